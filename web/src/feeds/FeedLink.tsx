// W4: the link to a private calendar feed (a staff member's own, or a customer's). The server keeps
// only a hash of its token, so the link is shown when it is made and never again: copy it then, or
// make a new one (which ends the one before at once).
import { Alert, Button, CopyButton, Group, Loader, Stack, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CalendarFeedMade as FeedMade, CalendarFeed as FeedStatus } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { dateTimeIn } from "../format.js";

export const feedKey = (base: string) => ["calendar-feed", base] as const;

/**
 * `base` is the feed link's API resource: /api/v1/auth/me/calendar-feed for one's own,
 * /api/v1/customers/<id>/calendar-feed for a customer's. `canManage`: whether the caller may make
 * and end the link (anyone their own; the front desk and up a customer's).
 */
export function FeedLink({
  base,
  canManage,
  whose,
}: {
  base: string;
  canManage: boolean;
  whose: "own" | "customer";
}) {
  const { t } = useTranslation("feeds");
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [made, setMade] = useState<FeedMade | null>(null);
  const [asking, setAsking] = useState<"new" | "off" | null>(null);
  const status = useQuery({ queryKey: feedKey(base), queryFn: () => api.get<FeedStatus>(base) });
  const make = useMutation({
    // not idempotent on purpose: the answer carries the token, which the server never stores
    mutationFn: () => api.plainPost<FeedMade>(base),
    onSuccess: (link) => {
      setMade(link);
      setAsking(null);
      queryClient.setQueryData<FeedStatus>(feedKey(base), { active: true, createdAt: link.createdAt });
    },
  });
  const end = useMutation({
    mutationFn: () => api.del<FeedStatus>(base),
    onSuccess: (s) => {
      setMade(null);
      setAsking(null);
      queryClient.setQueryData<FeedStatus>(feedKey(base), s);
    },
  });
  const error = status.error ?? make.error ?? end.error;
  const busy = make.isPending || end.isPending;

  if (status.isPending) return <Loader size="sm" aria-label={t("loading")} />;
  const active = status.data?.active ?? false;
  const url = made ? `${window.location.origin}${made.path}` : null;

  return (
    <Stack gap="sm" data-testid={`calendar-feed-${whose}`}>
      {/* the staff member's own is in a modal that already bears the title */}
      {whose === "customer" && <Text fw={600}>{t("title")}</Text>}
      <Text size="sm">{whose === "own" ? t("ownIntro") : t("customerIntro")}</Text>
      {error && <Alert color="red">{plainWords(error)}</Alert>}
      {url ? (
        <Stack gap="xs" data-testid="calendar-feed-made">
          <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }} data-testid="calendar-feed-url">
            {url}
          </Text>
          <Group gap="xs">
            <CopyButton value={url}>
              {({ copied, copy }) => (
                <Button size="xs" onClick={copy}>
                  {copied ? t("copied") : t("copy")}
                </Button>
              )}
            </CopyButton>
            <Button size="xs" variant="default" component="a" href={url.replace(/^https?:/, "webcal:")}>
              {t("subscribe")}
            </Button>
          </Group>
          <Alert color="yellow">{t("onlyNow")}</Alert>
        </Stack>
      ) : (
        <Text size="sm" c="dimmed" data-testid="calendar-feed-status">
          {active && status.data?.createdAt
            ? t("active", { date: dateTimeIn(status.data.createdAt, me?.location.timeZone ?? "UTC") })
            : t("none")}
        </Text>
      )}
      {canManage && asking === null && (
        <Group gap="xs">
          <Button
            size="xs"
            variant={made ? "subtle" : "filled"}
            loading={make.isPending}
            onClick={() => (active ? setAsking("new") : make.mutate())}
            data-testid="make-calendar-feed"
          >
            {active ? t("rotate") : t("make")}
          </Button>
          {active && (
            <Button size="xs" variant="subtle" color="red" onClick={() => setAsking("off")}>
              {t("end")}
            </Button>
          )}
        </Group>
      )}
      {!canManage && whose === "customer" && (
        <Text size="sm" c="dimmed">
          {t("deskCanMake")}
        </Text>
      )}
      {asking && (
        <Alert color={asking === "off" ? "red" : "yellow"} data-testid="confirm-calendar-feed-step">
          <Stack gap="xs">
            <Text size="sm">{asking === "off" ? t("askEnd") : t("askRotate")}</Text>
            <Group gap="xs">
              <Button size="xs" variant="default" onClick={() => setAsking(null)} disabled={busy}>
                {t("cancel")}
              </Button>
              <Button
                size="xs"
                color={asking === "off" ? "red" : undefined}
                loading={busy}
                onClick={() => (asking === "off" ? end.mutate() : make.mutate())}
                data-testid="confirm-calendar-feed"
              >
                {asking === "off" ? t("confirmEnd") : t("confirmRotate")}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
