// The till: one ticket. Lines covered by a package show "Package" with the package and its counter;
// staff switch a line to another eligible package or to paying; closing is a step of its own that
// takes the payment (U5); a closed ticket's lines are refunded through a dialog that says what comes
// back (T8). Only what the signed-in role may do is offered (S1). /tickets/new asks who the ticket is
// for and opens it with its first line, so the till never fills with empty tickets.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import type { Ticket, TicketLine } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { dateTimeIn, money } from "../format.js";
import { AddToTicket, type NewLine } from "./AddToTicket.js";
import { CloseStep } from "./CloseStep.js";
import { CustomerPicker } from "./CustomerPicker.js";
import { NewTicket } from "./NewTicket.js";
import { ticketEdited, useCustomerPackages, useTicket } from "./queries.js";
import { RefundDialog, VoidDialog } from "./RefundDialog.js";
import { type CoverageChoice, TicketLines } from "./TicketLines.js";
import { STATUS_COLOR, statusName, tenderName } from "./words.js";

export function TicketPage() {
  const { ticketId } = useParams<{ ticketId: string }>();
  if (ticketId === "new") return <NewTicket />;
  return <ExistingTicket ticketId={ticketId!} />;
}

function ExistingTicket({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation("till");
  const { can } = useSession();
  const ticket = useTicket(ticketId);
  const packages = useCustomerPackages(ticket.data?.customer?.id ?? null);
  const [closing, setClosing] = useState(false);
  const [voiding, setVoiding] = useState(false);
  const [refunding, setRefunding] = useState<TicketLine | null>(null);
  const edit = useMutation({
    mutationFn: (work: () => Promise<Ticket>) => work(),
    onSuccess: ticketEdited,
    onError: (e) => notifications.show({ color: "red", message: plainWords(e) }),
  });

  if (ticket.error) return <Alert color="red">{plainWords(ticket.error)}</Alert>;
  if (!ticket.data) return <Loader aria-label={t("ticket.loading")} />;
  const tk = ticket.data;
  const open = tk.status === "open";
  const editable = open && can("sell_package");
  const refundable = (tk.status === "closed" || tk.status === "refunded") && can("refund");
  const base = `/api/v1/tickets/${tk.id}`;
  const change = (work: () => Promise<Ticket>) => edit.mutate(work);
  const add = (line: NewLine & { serviceDate?: string }, done: () => void) =>
    edit.mutate(() => api.post<Ticket>(`${base}/lines`, line), { onSuccess: done });

  return (
    <Stack maw={1200}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs" wrap="wrap">
          <Anchor component={Link} to="/till" size="sm">
            {t("ticket.backToTill")}
          </Anchor>
          <Title order={2}>{t("ticket.title", { number: tk.number })}</Title>
          {tk.receiptNumber !== null && (
            <Text c="dimmed">{t("ticket.receipt", { number: tk.receiptNumber })}</Text>
          )}
          <Badge color={STATUS_COLOR[tk.status]} data-testid="ticket-status">
            {statusName(t, tk.status)}
          </Badge>
        </Group>
        <Text c="dimmed" size="sm">
          {t("ticket.opened", { location: tk.locationName, at: dateTimeIn(tk.openedAt, tk.timeZone) })}
        </Text>
      </Group>
      {tk.voidReason && <Alert color="orange">{t("ticket.voidedBecause", { reason: tk.voidReason })}</Alert>}
      {open && !can("sell_package") && (
        <Alert color="gray" data-testid="read-only">
          {t("ticket.readOnly")}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: editable ? 2 : 1 }} spacing="md">
        <Stack>
          {editable ? (
            <CustomerPicker
              value={tk.customer}
              onChange={(c) => change(() => api.patch<Ticket>(base, { customerId: c?.id ?? null }))}
            />
          ) : (
            <Text>
              {t("ticket.customer")}{" "}
              {tk.customer ? (
                <Link to={`/customers/${tk.customer.id}`}>{tk.customer.name}</Link>
              ) : (
                t("ticket.walkIn")
              )}
            </Text>
          )}
          <TicketLines
            ticket={tk}
            packages={packages.data ?? []}
            editable={editable}
            busy={edit.isPending}
            onCoverage={(l: TicketLine, choice: CoverageChoice) =>
              change(() => api.post<Ticket>(`${base}/lines/${l.id}/coverage`, choice))
            }
            onRemove={(l) => change(() => api.del<Ticket>(`${base}/lines/${l.id}`))}
            onRefund={refundable ? setRefunding : null}
          />
          <Totals ticket={tk} />
          {editable ? (
            <Group wrap="wrap">
              <Button
                onClick={() => setClosing(true)}
                disabled={tk.lines.length === 0 || edit.isPending}
                data-testid="close-ticket"
              >
                {t("ticket.close", { amount: money(tk.totals.dueMinor, tk.currency) })}
              </Button>
              <Button variant="subtle" color="red" onClick={() => setVoiding(true)}>
                {t("ticket.void")}
              </Button>
            </Group>
          ) : (
            !open && (
              <Group>
                <Button component={Link} to={`/tickets/${tk.id}/receipt`} variant="default">
                  {t("ticket.showReceipt")}
                </Button>
              </Group>
            )
          )}
        </Stack>
        {editable && (
          <AddToTicket
            currency={tk.currency}
            customerId={tk.customer?.id ?? null}
            busy={edit.isPending}
            onAdd={add}
          />
        )}
      </SimpleGrid>
      {closing && <CloseStep ticket={tk} opened onClose={() => setClosing(false)} />}
      {voiding && <VoidDialog ticket={tk} onClose={() => setVoiding(false)} />}
      {refunding && (
        <RefundDialog
          ticket={tk}
          line={refunding}
          packages={packages.data ?? []}
          onClose={() => setRefunding(null)}
        />
      )}
    </Stack>
  );
}

/** The total, the tax in it, and once closed what was paid and paid back, tender by tender. */
function Totals({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation("till");
  const cur = ticket.currency;
  const { paidMinor, refundedMinor } = ticket.totals;
  return (
    <Card withBorder p="sm" data-testid="ticket-totals">
      <Group justify="space-between">
        <Text>{t("totals.total")}</Text>
        <Text fw={700} size="xl" data-testid="ticket-total">
          {money(ticket.totals.dueMinor, cur)}
        </Text>
      </Group>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t("totals.tax")}
        </Text>
        <Text size="sm" c="dimmed">
          {money(ticket.totals.taxMinor, cur)}
        </Text>
      </Group>
      {ticket.payments.map((p) => (
        <Group
          key={p.occurredAt + p.tender + p.amountMinor}
          justify="space-between"
          data-testid="ticket-payment"
        >
          <Text size="sm" c={p.amountMinor < 0 ? "red.8" : undefined}>
            {p.amountMinor < 0
              ? t("totals.paidBack", { tender: tenderName(t, p.tender) })
              : t("totals.paidWith", { tender: tenderName(t, p.tender) })}
          </Text>
          <Text size="sm" c={p.amountMinor < 0 ? "red.8" : undefined}>
            {money(p.amountMinor, cur)}
          </Text>
        </Group>
      ))}
      {refundedMinor > 0 && (
        <Group justify="space-between">
          <Text size="sm" fw={600}>
            {t("totals.kept")}
          </Text>
          <Text size="sm" fw={600} data-testid="ticket-kept">
            {money(paidMinor - refundedMinor, cur)}
          </Text>
        </Group>
      )}
    </Card>
  );
}
