// The till's start: open tickets at this location, and a new ticket.
import { Alert, Badge, Button, Card, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { api, plainWords, query } from "../api.js";
import { useMe } from "../auth/session.js";
import { dateTimeIn, money } from "../format.js";
import type { Ticket } from "../types.js";

interface TicketSummary {
  id: string;
  number: number;
  receiptNumber: number | null;
  status: string;
  openedAt: string;
  closedAt: string | null;
  currency: string;
  totalMinor: number | null;
  customer: { id: string; name: string } | null;
}

export async function startTicket(customerId: string | null, navigate: (to: string) => void) {
  try {
    const t = await api.post<Ticket>("/api/v1/tickets", customerId ? { customerId } : {});
    navigate(`/tickets/${t.id}`);
  } catch (e) {
    notifications.show({ color: "red", message: plainWords(e) });
  }
}

export function TillHome() {
  const me = useMe();
  const navigate = useNavigate();
  const [open, setOpen] = useState<TicketSummary[] | null>(null);
  const [recent, setRecent] = useState<TicketSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<TicketSummary[]>(`/api/v1/tickets${query({ status: "open", locationId: me.location.id })}`)
      .then(setOpen, (e) => setError(plainWords(e)));
    api.get<TicketSummary[]>(`/api/v1/tickets${query({ locationId: me.location.id, limit: 15 })}`).then(
      (rows) => setRecent(rows.filter((r) => r.status !== "open")),
      () => {},
    );
  }, [me.location.id]);
  const table = (rows: TicketSummary[]) => (
    <Table highlightOnHover>
      <Table.Tbody>
        {rows.map((t) => (
          <Table.Tr
            key={t.id}
            style={{ cursor: "pointer" }}
            tabIndex={0}
            onClick={() => navigate(`/tickets/${t.id}`)}
            onKeyDown={(e) => e.key === "Enter" && navigate(`/tickets/${t.id}`)}
          >
            <Table.Td>
              #{t.number}
              {t.receiptNumber !== null && (
                <Text span size="xs" c="dimmed">
                  {" "}
                  · receipt #{t.receiptNumber}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{t.customer?.name ?? "Walk-in"}</Table.Td>
            <Table.Td>{dateTimeIn(t.closedAt ?? t.openedAt, me.location.timeZone)}</Table.Td>
            <Table.Td>
              <Badge variant="light">{t.status}</Badge>
            </Table.Td>
            <Table.Td ta="right">{t.totalMinor !== null ? money(t.totalMinor, t.currency) : ""}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
  return (
    <Stack maw={900}>
      <Group justify="space-between">
        <Title order={2}>Till · {me.location.name}</Title>
        <Button onClick={() => startTicket(null, navigate)}>New ticket</Button>
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      <Card withBorder>
        <Text fw={600} mb="xs">
          Open tickets
        </Text>
        {!open ? (
          <Loader size="sm" />
        ) : open.length === 0 ? (
          <Text c="dimmed">No open tickets.</Text>
        ) : (
          table(open)
        )}
      </Card>
      {recent.length > 0 && (
        <Card withBorder>
          <Text fw={600} mb="xs">
            Recent tickets
          </Text>
          {table(recent)}
        </Card>
      )}
    </Stack>
  );
}
