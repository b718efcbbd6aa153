// W4: the signed-in staff member's own calendar feed, opened from the account menu. The shell
// mounts it only when asked for.
import { Modal } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { FeedLink } from "./FeedLink.js";

export function CalendarFeedModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation("feeds");
  return (
    <Modal opened={opened} onClose={onClose} title={t("title")}>
      <FeedLink base="/api/v1/auth/me/calendar-feed" canManage whose="own" />
    </Modal>
  );
}
