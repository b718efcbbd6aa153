// T8, P8 at the till: before a line is refunded, say what comes back. A covered line gives its credit
// back to the package (no money moves); a paid line pays its price back in the tender chosen (a card
// at most what it paid on this ticket); a package sold on the ticket is refunded under the package
// rules, the worth of its unused credits.
import { Alert, Button, Group, Modal, Radio, Stack, Text, Textarea } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Package, Ticket, TicketLine } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { money } from "../format.js";
import { ticketSettled } from "./queries.js";
import { TENDERS, type Tender, tenderName } from "./words.js";

/** What each tender paid on the ticket less what it already paid back, in the order first used. */
function netByTender(ticket: Ticket): Map<Tender, number> {
  const net = new Map<Tender, number>();
  for (const p of ticket.payments)
    net.set(p.tender as Tender, (net.get(p.tender as Tender) ?? 0) + p.amountMinor);
  return net;
}

export function RefundDialog({
  ticket,
  line,
  packages,
  onClose,
}: {
  ticket: Ticket;
  line: TicketLine;
  packages: Package[];
  onClose: () => void;
}) {
  const { t } = useTranslation("till");
  const mobile = useMediaQuery("(max-width: 36em)");
  const cur = ticket.currency;
  const creditBack = line.coverage.packageLineId !== null && line.kind !== "package_sale";
  const sold = line.kind === "package_sale" ? packages.find((p) => p.id === line.soldPackageId) : undefined;
  const amount = creditBack
    ? 0
    : sold
      ? sold.lines.reduce((s, l) => s + l.remainingValueMinor, 0)
      : line.priceMinor;
  const net = netByTender(ticket);
  const cardRoom = net.get("card") ?? 0;
  const usable = (x: Tender) =>
    x === "card" ? cardRoom >= amount : x === "store_credit" ? !!ticket.customer : true;
  // The way it was paid, shown as chosen: the first tender that paid at least as much (as the server).
  const paidWith = [...net].find(([, paid]) => paid >= amount)?.[0] ?? null;
  const [tender, setTender] = useState<Tender | null>(paidWith && usable(paidWith) ? paidWith : null);
  const [reason, setReason] = useState("");
  const paysMoney = amount > 0;

  const refund = useMutation({
    mutationFn: () =>
      api.post<Ticket>(`/api/v1/tickets/${ticket.id}/lines/${line.id}/refund`, {
        ...(paysMoney && tender ? { tender } : {}),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      }),
    onSuccess: (t2) => {
      ticketSettled(t2);
      notifications.show({ color: "green", message: t("refund.done", { name: line.name }) });
      onClose();
    },
  });

  return (
    <Modal
      opened
      onClose={onClose}
      fullScreen={mobile}
      title={<Text fw={700}>{t("refund.title", { name: line.name })}</Text>}
    >
      <Stack gap="sm" data-testid="refund-dialog">
        {creditBack ? (
          <Text data-testid="refund-what">
            {t("refund.creditBack", { package: line.coverage.packageName ?? "" })}
          </Text>
        ) : line.kind === "package_sale" ? (
          <Text data-testid="refund-what">
            {sold
              ? t("refund.packageBack", { package: line.name, amount: money(amount, cur) })
              : t("refund.packageBackUnknown", { package: line.name })}
          </Text>
        ) : (
          <Text data-testid="refund-what">
            {paysMoney ? t("refund.moneyBack", { amount: money(amount, cur) }) : t("refund.nothingBack")}
          </Text>
        )}
        {paysMoney && (
          <Radio.Group label={t("refund.how")} value={tender} onChange={(v) => setTender(v as Tender)}>
            <Stack gap={6} mt={4}>
              {TENDERS.map((x) => (
                <Radio
                  key={x}
                  value={x}
                  disabled={!usable(x)}
                  label={tenderName(t, x)}
                  description={
                    x === "card" && !usable(x)
                      ? t("refund.cardRoom", { amount: money(cardRoom, cur) })
                      : x === "store_credit" && !ticket.customer
                        ? t("refund.walkInNoCredit")
                        : x === paidWith
                          ? t("refund.howPaid")
                          : undefined
                  }
                />
              ))}
            </Stack>
          </Radio.Group>
        )}
        <Textarea
          label={t("refund.reason")}
          autosize
          minRows={1}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        {refund.error && (
          <Alert color="red" title={t("refund.notRefunded")}>
            {plainWords(refund.error)}
          </Alert>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t("refund.cancel")}
          </Button>
          <Button
            color="red"
            onClick={() => refund.mutate()}
            loading={refund.isPending}
            disabled={paysMoney && !tender}
            data-testid="confirm-refund"
          >
            {paysMoney ? t("refund.confirmMoney", { amount: money(amount, cur) }) : t("refund.confirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function VoidDialog({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const { t } = useTranslation("till");
  const [reason, setReason] = useState("");
  const voiding = useMutation({
    mutationFn: () =>
      api.post<Ticket>(`/api/v1/tickets/${ticket.id}/void`, reason.trim() ? { reason: reason.trim() } : {}),
    onSuccess: (voided) => {
      ticketSettled(voided);
      onClose();
    },
  });
  const holdsCredits = ticket.lines.some((l) => l.covered);
  return (
    <Modal
      opened
      onClose={onClose}
      title={<Text fw={700}>{t("void.title", { number: ticket.number })}</Text>}
    >
      <Stack gap="sm">
        <Text>{holdsCredits ? t("void.releases") : t("void.nothingCharged")}</Text>
        <Textarea
          label={t("void.reason")}
          autosize
          minRows={1}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        {voiding.error && <Alert color="red">{plainWords(voiding.error)}</Alert>}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t("void.keep")}
          </Button>
          <Button
            color="red"
            onClick={() => voiding.mutate()}
            loading={voiding.isPending}
            data-testid="confirm-void"
          >
            {t("void.confirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
