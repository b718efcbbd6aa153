// No-shows to review (C4): under the "staff review" policy a no-show's credit stays booked until
// someone decides to use it (the class counts as taken) or release it (the credit goes back).
import { Anchor, Button, Card, Group, Loader, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../api.js";
import { dateTimeIn } from "../format.js";
import phone from "../reports/phone-table.module.css";
import { useClassesChanged, useReviews } from "./class-queries.js";
import { type ReviewEntry, useClassWords } from "./class-types.js";

export function ReviewList() {
  const { t } = useTranslation("classes");
  const words = useClassWords();
  const changed = useClassesChanged();
  const rows = useReviews();
  const decide = useMutation({
    mutationFn: (d: { entry: ReviewEntry; decision: "consume" | "release" }) =>
      api.post(`/api/v1/class-enrolments/${d.entry.enrolmentId}/review`, { decision: d.decision }),
    onSuccess: (_, d) => {
      notifications.show({
        color: "green",
        message:
          d.decision === "consume"
            ? t("review.used", { name: d.entry.customerName })
            : t("review.givenBack", { name: d.entry.customerName }),
      });
      changed();
    },
    onError: (e) => notifications.show({ color: "red", message: words(e) }),
  });
  const busy = decide.isPending ? decide.variables?.entry.enrolmentId : null;

  return (
    <Card withBorder p="sm" data-testid="review-list">
      <Text fw={600}>{t("review.title")}</Text>
      <Text size="sm" c="dimmed" mb="xs">
        {t("review.explain")}
      </Text>
      {rows.error ? (
        <Text c="red.8">{words(rows.error)}</Text>
      ) : rows.isPending ? (
        <Loader size="sm" aria-label={t("review.loading")} />
      ) : rows.data.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t("review.nothing")}
        </Text>
      ) : (
        <Table verticalSpacing="xs" className={phone.table}>
          <Table.Tbody>
            {rows.data.map((r) => (
              <Table.Tr key={r.enrolmentId} data-testid="review-row">
                <Table.Td fw={600}>{r.customerName}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/classes/${r.sessionId}`} size="sm">
                    {r.className}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {dateTimeIn(r.startAt, r.timeZone)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="wrap">
                    <Button
                      size="compact-sm"
                      variant="light"
                      color="red"
                      loading={busy === r.enrolmentId}
                      onClick={() => decide.mutate({ entry: r, decision: "consume" })}
                    >
                      {t("review.useCredit")}
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="default"
                      loading={busy === r.enrolmentId}
                      onClick={() => decide.mutate({ entry: r, decision: "release" })}
                    >
                      {t("review.giveBack")}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
