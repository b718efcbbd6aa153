// W2: "Show more" under a list read a page at a time (useInfiniteQuery).
import { Button, Center } from "@mantine/core";
import { useTranslation } from "react-i18next";

interface Pages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

export function LoadMore({ list, testId }: { list: Pages; testId?: string }) {
  const { t } = useTranslation("common");
  if (!list.hasNextPage) return null;
  return (
    <Center mt="sm">
      <Button
        variant="default"
        onClick={() => void list.fetchNextPage()}
        loading={list.isFetchingNextPage}
        data-testid={testId ?? "load-more"}
      >
        {t("actions.showMore")}
      </Button>
    </Center>
  );
}
