// U5: closing a ticket is a step of its own. It shows the total and what packages cover, then asks
// how the rest is paid: cash (with the cash given and the change), card, store credit (with the
// customer's balance), or split across several. Nothing is chosen for the person: the confirm
// button waits until every forint is placed.
import {
  Alert,
  Badge,
  Button,
  CloseButton,
  Divider,
  Group,
  Modal,
  NumberInput,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Ticket } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { money } from "../format.js";
import { numberInputSeparators } from "../number-input.js";
import { ticketSettled, useStoreCredit } from "./queries.js";
import { coverageLabel, decimalsOf, TENDERS, type Tender, tenderName, toMinor } from "./words.js";

type Method = Tender | "split";
interface Part {
  key: number;
  tender: Tender | null;
  amount: number | string;
  given: number | string;
}
interface Payment {
  tender: Tender;
  amountMinor: number;
  tenderedMinor?: number;
}

let partKeys = 0;
const newPart = (): Part => ({ key: ++partKeys, tender: null, amount: "", given: "" });

/** Round sums a customer is likely to hand over for `due`, above it. */
function roundSums(due: number, currency: string): number[] {
  const notes = currency === "HUF" ? [1_000, 5_000, 10_000, 20_000, 50_000] : [1, 5, 10, 20, 50, 100];
  const sums = notes.map((n) => Math.ceil(due / (n * 100)) * n * 100).filter((s) => s > due);
  return [...new Set(sums)].slice(0, 3);
}

export function CloseStep({
  ticket,
  opened,
  onClose,
}: {
  ticket: Ticket;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation("till");
  const mobile = useMediaQuery("(max-width: 36em)");
  const navigate = useNavigate();
  const due = ticket.totals.dueMinor;
  const cur = ticket.currency;
  const balance = useStoreCredit(ticket.customer?.id ?? null, cur).data ?? 0;
  const [method, setMethod] = useState<Method | null>(null);
  const [given, setGiven] = useState<number | string>("");
  const [parts, setParts] = useState<Part[]>(() => [newPart(), newPart()]);
  const number = {
    decimalScale: decimalsOf(cur),
    min: 0,
    allowNegative: false,
    hideControls: true,
    ...numberInputSeparators(),
  };

  const { payments, problems } = paymentsFor();
  const close = useMutation({
    mutationFn: () => api.post<Ticket>(`/api/v1/tickets/${ticket.id}/close`, { payments }),
    onSuccess: (closed) => {
      ticketSettled(closed);
      onClose();
      if (closed.status === "voided") {
        notifications.show({ color: "orange", title: t("close.voided"), message: closed.voidReason ?? "" });
        return;
      }
      notifications.show({ color: "green", message: due > 0 ? t("close.closed") : t("close.closedAtZero") });
      navigate(`/tickets/${closed.id}/receipt`);
    },
  });

  function paymentsFor(): { payments: Payment[]; problems: string[] } {
    if (due === 0) return { payments: [], problems: [] };
    if (method === null) return { payments: [], problems: [t("close.chooseHow")] };
    if (method === "card") return { payments: [{ tender: "card", amountMinor: due }], problems: [] };
    if (method === "store_credit")
      return {
        payments: [{ tender: "store_credit", amountMinor: due }],
        problems: balance < due ? [t("close.creditShort", { balance: money(balance, cur) })] : [],
      };
    if (method === "cash") {
      const g = toMinor(given);
      if (g === null) return { payments: [], problems: [t("close.enterGiven")] };
      if (g < due)
        return { payments: [], problems: [t("close.givenShort", { missing: money(due - g, cur) })] };
      return { payments: [{ tender: "cash", amountMinor: due, tenderedMinor: g }], problems: [] };
    }
    const out: Payment[] = [];
    const found: string[] = [];
    for (const p of parts) {
      const amount = toMinor(p.amount);
      if (!p.tender || amount === null || amount <= 0) {
        found.push(t("close.split.incomplete"));
        continue;
      }
      const g = p.tender === "cash" ? toMinor(p.given) : null;
      if (g !== null && g < amount) found.push(t("close.givenShort", { missing: money(amount - g, cur) }));
      out.push({ tender: p.tender, amountMinor: amount, ...(g !== null ? { tenderedMinor: g } : {}) });
    }
    const placed = out.reduce((s, p) => s + p.amountMinor, 0);
    if (placed !== due && found.length === 0)
      found.push(
        placed < due
          ? t("close.split.left", { amount: money(due - placed, cur) })
          : t("close.split.over", { amount: money(placed - due, cur) }),
      );
    const credit = out.filter((p) => p.tender === "store_credit").reduce((s, p) => s + p.amountMinor, 0);
    if (credit > balance) found.push(t("close.creditShort", { balance: money(balance, cur) }));
    return { payments: out, problems: [...new Set(found)] };
  }

  const setPart = (key: number, change: Partial<Part>) =>
    setParts((ps) => ps.map((p) => (p.key === key ? { ...p, ...change } : p)));
  const placedMinor = parts.reduce((s, p) => s + (toMinor(p.amount) ?? 0), 0);
  const givenMinor = toMinor(given);
  const covered = ticket.lines.filter((l) => l.covered);
  const charged = ticket.lines.filter((l) => !l.covered);

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      fullScreen={mobile}
      size="lg"
      title={<Text fw={700}>{t("close.title", { number: ticket.number })}</Text>}
    >
      <Stack gap="sm" data-testid="close-step">
        <Stack gap={4}>
          {charged.map((l) => (
            <Group key={l.id} justify="space-between" wrap="nowrap" gap="xs">
              <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                {l.name}
              </Text>
              <Text size="sm" style={{ whiteSpace: "nowrap" }}>
                {money(l.priceMinor, cur)}
              </Text>
            </Group>
          ))}
        </Stack>
        {covered.length > 0 && (
          <Stack gap={4} data-testid="close-covered">
            <Text size="sm" fw={600}>
              {t("close.coveredTitle", { count: covered.length })}
            </Text>
            {covered.map((l) => (
              <Group key={l.id} justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text size="sm">{l.name}</Text>
                  <Text size="xs" c="violet.8">
                    {coverageLabel(t, l)}
                  </Text>
                </Stack>
                <Badge color="violet">{t("lines.package")}</Badge>
              </Group>
            ))}
          </Stack>
        )}
        <Divider />
        <Group justify="space-between">
          <Text fw={700}>{t("close.due")}</Text>
          <Text fw={700} size="xl" data-testid="close-due">
            {money(due, cur)}
          </Text>
        </Group>

        {due === 0 ? (
          <Text size="sm" c="dimmed">
            {t("close.nothingToPay")}
          </Text>
        ) : (
          <Radio.Group
            label={t("close.how")}
            value={method}
            onChange={(v) => setMethod(v as Method)}
            data-testid="tender-choice"
          >
            <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" mt="xs">
              {[...TENDERS, "split" as const].map((m) => (
                <Radio.Card
                  key={m}
                  value={m}
                  disabled={m === "store_credit" && !ticket.customer}
                  p="sm"
                  radius="md"
                  aria-label={m === "split" ? t("close.split.name") : tenderName(t, m)}
                >
                  <Group gap="xs" wrap="nowrap">
                    <Radio.Indicator />
                    <Stack gap={0}>
                      <Text size="sm" fw={600}>
                        {m === "split" ? t("close.split.name") : tenderName(t, m)}
                      </Text>
                      {m === "store_credit" && (
                        <Text size="xs" c="dimmed" data-testid="store-credit-balance">
                          {ticket.customer
                            ? t("close.balance", { balance: money(balance, cur) })
                            : t("close.walkInNoCredit")}
                        </Text>
                      )}
                    </Stack>
                  </Group>
                </Radio.Card>
              ))}
            </SimpleGrid>
          </Radio.Group>
        )}

        {method === "cash" && due > 0 && (
          <Stack gap="xs">
            <NumberInput
              label={t("close.given")}
              value={given}
              onChange={setGiven}
              {...number}
              data-autofocus
            />
            <Group gap="xs">
              <Button size="compact-sm" variant="default" onClick={() => setGiven(due / 100)}>
                {t("close.exact")}
              </Button>
              {roundSums(due, cur).map((s) => (
                <Button key={s} size="compact-sm" variant="default" onClick={() => setGiven(s / 100)}>
                  {money(s, cur)}
                </Button>
              ))}
            </Group>
            {givenMinor !== null && givenMinor >= due && (
              <Group justify="space-between">
                <Text fw={600}>{t("close.change")}</Text>
                <Text fw={700} size="lg" data-testid="change-due">
                  {money(givenMinor - due, cur)}
                </Text>
              </Group>
            )}
          </Stack>
        )}

        {method === "split" && due > 0 && (
          <Stack gap="xs" data-testid="split">
            {parts.map((p, i) => (
              <Stack key={p.key} gap={4} data-testid="split-part">
                <Group gap="xs" align="flex-end" wrap="nowrap">
                  <Select
                    label={t("close.split.how", { n: i + 1 })}
                    placeholder={t("close.split.choose")}
                    data={TENDERS.map((x) => ({
                      value: x,
                      label: tenderName(t, x),
                      disabled: x === "store_credit" && !ticket.customer,
                    }))}
                    value={p.tender}
                    onChange={(v) => setPart(p.key, { tender: v as Tender | null })}
                    style={{ flex: 1, minWidth: 0 }}
                  />
                  <NumberInput
                    label={t("close.split.amount", { n: i + 1 })}
                    value={p.amount}
                    onChange={(v) => setPart(p.key, { amount: v })}
                    style={{ flex: 1, minWidth: 0 }}
                    {...number}
                  />
                  <CloseButton
                    aria-label={t("close.split.remove", { n: i + 1 })}
                    disabled={parts.length <= 1}
                    onClick={() => setParts((ps) => ps.filter((x) => x.key !== p.key))}
                    mb={6}
                  />
                </Group>
                {p.tender === "cash" && (
                  <Group gap="xs" align="flex-end" wrap="nowrap">
                    <NumberInput
                      label={t("close.split.given", { n: i + 1 })}
                      value={p.given}
                      onChange={(v) => setPart(p.key, { given: v })}
                      style={{ flex: 1, minWidth: 0 }}
                      {...number}
                    />
                    {(toMinor(p.given) ?? 0) >= (toMinor(p.amount) ?? 0) && toMinor(p.given) !== null && (
                      <Text size="sm" mb={6} data-testid="split-change">
                        {t("close.changeIs", {
                          amount: money(toMinor(p.given)! - (toMinor(p.amount) ?? 0), cur),
                        })}
                      </Text>
                    )}
                  </Group>
                )}
              </Stack>
            ))}
            <Group justify="space-between" wrap="wrap">
              <Group gap="xs">
                <Button
                  size="compact-sm"
                  variant="default"
                  onClick={() => setParts((ps) => [...ps, newPart()])}
                >
                  {t("close.split.add")}
                </Button>
                {placedMinor < due && (
                  <Button
                    size="compact-sm"
                    variant="default"
                    onClick={() => {
                      // The rest goes to the first part without an amount, else to the last one.
                      const target =
                        parts.find((p) => toMinor(p.amount) === null) ?? parts[parts.length - 1]!;
                      const rest = (toMinor(target.amount) ?? 0) + due - placedMinor;
                      setPart(target.key, { amount: rest / 100 });
                    }}
                  >
                    {t("close.split.rest", { amount: money(due - placedMinor, cur) })}
                  </Button>
                )}
              </Group>
              <Text size="sm" data-testid="split-placed">
                {t("close.split.placed", { placed: money(placedMinor, cur), due: money(due, cur) })}
              </Text>
            </Group>
          </Stack>
        )}

        {problems.length > 0 && method !== null && (
          <Stack gap={2} data-testid="close-problems">
            {problems.map((p) => (
              <Text key={p} size="sm" c="orange.9">
                {p}
              </Text>
            ))}
          </Stack>
        )}
        {close.error && (
          <Alert color="red" title={t("close.notClosed")}>
            {plainWords(close.error)}
          </Alert>
        )}
        <Group justify="flex-end" gap="xs" wrap="wrap">
          <Button variant="default" onClick={onClose}>
            {t("close.back")}
          </Button>
          <Button
            onClick={() => close.mutate()}
            loading={close.isPending}
            disabled={problems.length > 0}
            data-testid="confirm-close"
          >
            {due > 0 ? t("close.confirm", { amount: money(due, cur) }) : t("close.confirmAtZero")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
