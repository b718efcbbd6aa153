// The till's start: open tickets at this location, the latest closed ones, and a new ticket for the
// roles that take payments (S1). Each ticket is one row that wraps on a phone (U3).
import {
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Loader,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { dateTimeIn, money } from "../format.js";
import { LoadMore } from "../shell/LoadMore.js";
import { type TicketSummary, useTicketList } from "./queries.js";
import { STATUS_COLOR, statusName } from "./words.js";

/** Opens the new-ticket page, for a customer when one is given; the ticket opens with its first line. */
export async function startTicket(customerId: string | null, navigate: (to: string) => void): Promise<void> {
  navigate(customerId ? `/tickets/new?customerId=${encodeURIComponent(customerId)}` : "/tickets/new");
}

export function TillHome() {
  const { t } = useTranslation("till");
  const me = useMe();
  const { can } = useSession();
  const navigate = useNavigate();
  // W2: each list a page at a time, "Show more" under it for the next
  const open = useTicketList({ status: "open", locationId: me.location.id });
  const recent = useTicketList({ status: "done", locationId: me.location.id }, 15);
  const openTickets = open.data?.pages.flatMap((p) => p.items) ?? [];
  const closed = recent.data?.pages.flatMap((p) => p.items) ?? [];

  const rows = (tickets: TicketSummary[]) => (
    <Stack gap={0}>
      {tickets.map((tk) => (
        <UnstyledButton
          key={tk.id}
          onClick={() => navigate(`/tickets/${tk.id}`)}
          py="xs"
          px={4}
          data-testid="till-ticket"
          style={{ borderBottom: "1px solid var(--mantine-color-default-border)" }}
        >
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Box style={{ minWidth: 0 }}>
              <Text fw={600}>
                {t("home.number", { number: tk.number })}
                {tk.receiptNumber !== null && (
                  <Text span size="xs" c="dimmed">
                    {" · "}
                    {t("home.receipt", { number: tk.receiptNumber })}
                  </Text>
                )}
                {" · "}
                {tk.customer?.name ?? t("home.walkIn")}
              </Text>
              <Text size="xs" c="dimmed">
                {dateTimeIn(tk.closedAt ?? tk.openedAt, me.location.timeZone)}
              </Text>
            </Box>
            <Group gap="xs" wrap="nowrap">
              <Badge variant="light" color={STATUS_COLOR[tk.status]}>
                {statusName(t, tk.status)}
              </Badge>
              {tk.totalMinor !== null && (
                <Text style={{ whiteSpace: "nowrap" }}>{money(tk.totalMinor, tk.currency)}</Text>
              )}
            </Group>
          </Group>
        </UnstyledButton>
      ))}
    </Stack>
  );

  return (
    <Stack maw={900}>
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>{t("home.title", { location: me.location.name })}</Title>
        {can("sell_package") && (
          <Button onClick={() => navigate("/tickets/new")}>{t("home.newTicket")}</Button>
        )}
      </Group>
      {!can("sell_package") && (
        <Alert color="gray" data-testid="read-only">
          {t("home.readOnly")}
        </Alert>
      )}
      {open.error && <Alert color="red">{plainWords(open.error)}</Alert>}
      <Card withBorder>
        <Text fw={600} mb="xs">
          {t("home.open")}
        </Text>
        {open.isPending ? (
          <Loader size="sm" aria-label={t("home.loading")} />
        ) : openTickets.length === 0 ? (
          <Text c="dimmed">{t("home.noOpen")}</Text>
        ) : (
          rows(openTickets)
        )}
        <LoadMore list={open} testId="till-open-more" />
      </Card>
      {(closed.length > 0 || recent.hasNextPage) && (
        <Card withBorder>
          <Text fw={600} mb="xs">
            {t("home.recent")}
          </Text>
          {rows(closed)}
          <LoadMore list={recent} testId="till-recent-more" />
        </Card>
      )}
    </Stack>
  );
}
