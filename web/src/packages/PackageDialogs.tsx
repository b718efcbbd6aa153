// Adjust (P9), extend expiry (P7), refund (P8) and sell (P3): each asks what it must, says next to a
// field what is wrong with it, never changes what was typed, keeps disabled what the server would
// refuse, and says why when the server refuses all the same.
import {
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Line, Package, Template } from "../api/types.js";
import { ApiError, api, plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { currentFormatLocale, localDate, money } from "../format.js";
import { numberInputSeparators } from "../number-input.js";
import { CustomerPicker } from "../till/CustomerPicker.js";
import { useCreditWords } from "./CreditBar.js";
import { afterPackageChange } from "./queries.js";

/** A mutation that, once done, says so, refreshes what a package change touches and closes. */
function usePackageMutation(customerId: string, success: string, onDone: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (work: () => Promise<unknown>) => work(),
    onSuccess: async () => {
      notifications.show({ color: "green", message: success });
      await afterPackageChange(queryClient, customerId);
      onDone();
    },
  });
}

/** The most credits one adjustment may add or deduct (the API's `quantity`). */
export const MAX_ADJUSTMENT = 10_000;

export type QuantityCheck =
  | { ok: true; quantity: number }
  | {
      ok: false;
      problem: "empty" | "notWhole" | "negative" | "zero" | "tooMany" | "moreThanLeft" | "nothingLeft";
    };

/**
 * What the adjustment's "How many" says, read as typed: "1.5" is not a whole number (never 15), "-3"
 * is negative (never 3), 99999999999 is too many (never 10000), and a deduction may take only what
 * is left (never quietly fewer).
 */
export function checkQuantity(text: string, direction: "add" | "deduct", remaining: number): QuantityCheck {
  if (direction === "deduct" && remaining === 0) return { ok: false, problem: "nothingLeft" };
  const typed = text.trim();
  if (typed === "") return { ok: false, problem: "empty" };
  if (/^[-−]\s*\d/.test(typed)) return { ok: false, problem: "negative" };
  if (!/^\d+$/.test(typed)) return { ok: false, problem: "notWhole" };
  const quantity = Number(typed);
  if (quantity === 0) return { ok: false, problem: "zero" };
  if (quantity > MAX_ADJUSTMENT) return { ok: false, problem: "tooMany" };
  if (direction === "deduct" && quantity > remaining) return { ok: false, problem: "moreThanLeft" };
  return { ok: true, quantity };
}

export function AdjustModal({
  pkg,
  onClose,
  onDone,
}: {
  pkg: Package;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation("packages");
  const words = useCreditWords();
  const [lineId, setLineId] = useState(pkg.lines[0]!.id);
  const [direction, setDirection] = useState<"add" | "deduct">("add");
  const [quantity, setQuantity] = useState("1");
  const [reason, setReason] = useState("");
  const adjust = usePackageMutation(pkg.customerId, t("adjust.done"), onDone);
  const line = pkg.lines.find((l) => l.id === lineId)!;
  const check = checkQuantity(quantity, direction, line.remaining);
  const after = check.ok ? adjusted(line, direction, check.quantity) : null;
  const problem =
    check.ok || check.problem === "empty" || check.problem === "nothingLeft"
      ? null
      : t(`adjust.${check.problem}`, {
          count: line.remaining,
          max: new Intl.NumberFormat(currentFormatLocale()).format(MAX_ADJUSTMENT),
        });
  return (
    <Modal opened onClose={onClose} title={t("adjust.title", { name: pkg.name })}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!check.ok) return;
          adjust.mutate(() =>
            api.post(`/api/v1/packages/${pkg.id}/lines/${lineId}/adjustments`, {
              direction,
              quantity: check.quantity,
              reason: reason.trim(),
            }),
          );
        }}
      >
        <Stack>
          {adjust.error && <Alert color="red">{plainWords(adjust.error)}</Alert>}
          {pkg.lines.length > 1 && (
            <Select
              label={t("adjust.item")}
              data={pkg.lines.map((l) => ({ value: l.id, label: l.itemName }))}
              value={lineId}
              onChange={(v) => v && setLineId(v)}
              allowDeselect={false}
            />
          )}
          <SegmentedControl
            value={direction}
            onChange={(v) => setDirection(v as "add" | "deduct")}
            data={[
              { value: "add", label: t("adjust.add") },
              { value: "deduct", label: t("adjust.deduct") },
            ]}
          />
          <Text size="sm" c="dimmed" data-testid="adjust-preview">
            {t("adjust.now", { left: words.left(line) })}{" "}
            {after &&
              t(direction === "add" ? "adjust.afterAdding" : "adjust.afterDeducting", {
                left: words.left(after),
              })}
          </Text>
          {check.ok === false && check.problem === "nothingLeft" ? (
            <Alert color="yellow" data-testid="adjust-nothing-left">
              {t("adjust.nothingLeft")}
            </Alert>
          ) : (
            <TextInput
              label={t("adjust.howMany")}
              inputMode="numeric"
              value={quantity}
              onChange={(e) => setQuantity(e.currentTarget.value)}
              error={problem}
              required
            />
          )}
          <Textarea
            label={t("dialogs.reason")}
            description={t("dialogs.reasonRequired")}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            required
            maxLength={500}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialogs.cancel")}
            </Button>
            <Button
              type="submit"
              loading={adjust.isPending}
              disabled={!check.ok || reason.trim().length === 0}
            >
              {check.ok
                ? t(direction === "add" ? "adjust.submitAdd" : "adjust.submitDeduct", {
                    count: check.quantity,
                  })
                : t(direction === "add" ? "adjust.submitAddBare" : "adjust.submitDeductBare")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** P9: adding grows the whole line (10/10 → 15/15); deducting uses credits up (10 → 7 of 10 left). */
function adjusted(line: Line, direction: "add" | "deduct", quantity: number): Line {
  return direction === "add"
    ? { ...line, total: line.total + quantity, remaining: line.remaining + quantity }
    : { ...line, used: line.used + quantity, remaining: line.remaining - quantity };
}

export function ExtendModal({
  pkg,
  onClose,
  onDone,
}: {
  pkg: Package;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation("packages");
  const [date, setDate] = useState("");
  const [reason, setReason] = useState("");
  const extend = usePackageMutation(pkg.customerId, t("extend.done"), onDone);
  const notLater = date !== "" && pkg.expiresOn !== null && date <= pkg.expiresOn;
  return (
    <Modal opened onClose={onClose} title={t("extend.title", { name: pkg.name })}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          extend.mutate(() =>
            api.post(`/api/v1/packages/${pkg.id}/extend`, {
              expiresOn: date,
              ...(reason.trim() ? { reason: reason.trim() } : {}),
            }),
          );
        }}
      >
        <Stack>
          {extend.error && <Alert color="red">{plainWords(extend.error)}</Alert>}
          <Text size="sm">
            {t("extend.now", { date: pkg.expiresOn ? localDate(pkg.expiresOn) : "—", zone: pkg.timeZone })}
          </Text>
          <TextInput
            type="date"
            label={t("extend.newLastDay")}
            value={date}
            min={pkg.expiresOn ?? undefined}
            onChange={(e) => setDate(e.currentTarget.value)}
            error={
              notLater && pkg.expiresOn ? t("extend.notLater", { date: localDate(pkg.expiresOn) }) : null
            }
            required
            data-autofocus
          />
          <Textarea
            label={t("dialogs.reasonOptional")}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={500}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialogs.cancel")}
            </Button>
            <Button type="submit" loading={extend.isPending} disabled={!date || notLater}>
              {t("extend.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function RefundModal({
  pkg,
  onClose,
  onDone,
}: {
  pkg: Package;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation("packages");
  const [kind, setKind] = useState<"money" | "store_credit">(
    pkg.status === "expired" ? "store_credit" : "money",
  );
  const [reason, setReason] = useState("");
  const refund = usePackageMutation(pkg.customerId, t("refund.done"), onDone);
  const value = money(
    pkg.lines.reduce((sum, l) => sum + l.remainingValueMinor, 0),
    pkg.currency,
  );
  const free = pkg.lines.reduce((sum, l) => sum + l.remaining, 0);
  return (
    <Modal opened onClose={onClose} title={t("refund.title", { name: pkg.name })}>
      <Stack>
        {refund.error && <Alert color="red">{plainWords(refund.error)}</Alert>}
        <Text>{t("refund.what", { count: free, amount: value })}</Text>
        <SegmentedControl
          value={kind}
          onChange={(v) => setKind(v as "money" | "store_credit")}
          data={[
            { value: "money", label: t("refund.money") },
            { value: "store_credit", label: t("refund.storeCredit") },
          ]}
        />
        {pkg.status === "expired" && (
          <Text size="sm" c="dimmed">
            {t("refund.expiredNote")}
          </Text>
        )}
        <Textarea
          label={t("dialogs.reasonOptional")}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maxLength={500}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("dialogs.cancel")}
          </Button>
          <Button
            color="red"
            loading={refund.isPending}
            onClick={() =>
              refund.mutate(() =>
                api.post(`/api/v1/packages/${pkg.id}/refund`, {
                  kind,
                  ...(reason.trim() ? { reason: reason.trim() } : {}),
                }),
              )
            }
          >
            {t(kind === "money" ? "refund.submitMoney" : "refund.submitStoreCredit", { amount: value })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function SellModal({
  customerId,
  customerName,
  onClose,
  onDone,
}: {
  customerId: string;
  /** the customer it is sold to: the one who receives it when it is a gift */
  customerName: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation("packages");
  const me = useMe();
  const templates = useQuery({
    queryKey: ["catalog", "templates", "on-sale"],
    queryFn: () => api.get<Template[]>("/api/v1/templates"),
  });
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [locationId, setLocationId] = useState<string>(me.location.id);
  const [price, setPrice] = useState<number | string>("");
  // G2: a gift: another customer pays (gives it); this customer receives it, with an optional message
  const [gift, setGift] = useState(false);
  const [giver, setGiver] = useState<{ id: string; name: string } | null>(null);
  const [message, setMessage] = useState("");
  const asGift = gift && giver !== null;
  const sell = usePackageMutation(
    customerId,
    asGift ? t("sell.doneGift", { giver: giver.name, name: customerName }) : t("sell.done"),
    onDone,
  );
  const location = me.locations.find((l) => l.id === locationId)!;
  const template = templates.data?.find((x) => x.id === templateId);
  const giftField =
    sell.error instanceof ApiError && sell.error.field?.startsWith("gift") ? sell.error.field : null;
  const amount = price !== "" ? money(Math.round(Number(price) * 100), location.currency) : null;

  useEffect(() => {
    const minor = template?.prices[location.currency];
    setPrice(minor === undefined ? "" : minor / 100);
  }, [template, location.currency]);

  return (
    <Modal opened onClose={onClose} title={t("sell.title")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          sell.mutate(() =>
            api.post(`/api/v1/customers/${customerId}/packages`, {
              templateId,
              locationId,
              ...(price !== "" ? { priceMinor: Math.round(Number(price) * 100) } : {}),
              ...(asGift
                ? { giftFromCustomerId: giver.id, ...(message.trim() ? { giftMessage: message.trim() } : {}) }
                : {}),
            }),
          );
        }}
      >
        <Stack>
          {sell.error && !giftField && <Alert color="red">{plainWords(sell.error)}</Alert>}
          <Select
            label={t("sell.package")}
            placeholder={t("sell.choose")}
            searchable
            data={(templates.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
            value={templateId}
            onChange={setTemplateId}
            nothingFoundMessage={t("sell.nothingOnSale")}
            required
            data-autofocus
          />
          {template && (
            <Text size="sm" c="dimmed">
              {template.items.map((i) => `${i.quantity} × ${i.itemName}`).join(", ")}
            </Text>
          )}
          <Select
            label={t("sell.soldAt")}
            data={me.locations.map((l) => ({ value: l.id, label: `${l.name} (${l.currency})` }))}
            value={locationId}
            onChange={(v) => v && setLocationId(v)}
            allowDeselect={false}
          />
          <NumberInput
            {...numberInputSeparators()}
            label={t("sell.price", { currency: location.currency })}
            min={0}
            decimalScale={2}
            allowNegative={false}
            value={price}
            onChange={setPrice}
            required
          />
          <Switch
            label={t("sell.gift")}
            description={t("sell.giftHint", { name: customerName })}
            checked={gift}
            onChange={(e) => {
              if (sell.error) sell.reset();
              setGift(e.currentTarget.checked);
            }}
            data-testid="sell-gift"
          />
          {gift && (
            <Stack gap="sm" pl="md" style={{ borderLeft: "3px solid var(--mantine-color-pink-3)" }}>
              <CustomerPicker
                label={t("sell.giftFrom")}
                value={giver}
                onChange={(c) => {
                  if (sell.error) sell.reset();
                  setGiver(c);
                }}
                exclude={customerId}
                error={giftField === "giftFromCustomerId" ? plainWords(sell.error) : undefined}
                autoFocus
              />
              <Textarea
                label={t("sell.giftMessage")}
                description={t("sell.giftMessageHint", { name: customerName })}
                value={message}
                onChange={(e) => setMessage(e.currentTarget.value)}
                error={giftField === "giftMessage" ? plainWords(sell.error) : undefined}
                maxLength={500}
                autosize
                minRows={2}
              />
              {giver && template && (
                <Text size="sm" fw={500} data-testid="sell-gift-preview">
                  {t("sell.giftPreview", { giver: giver.name, package: template.name, name: customerName })}
                </Text>
              )}
            </Stack>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialogs.cancel")}
            </Button>
            <Button
              type="submit"
              loading={sell.isPending}
              disabled={!templateId || price === "" || (gift && !giver)}
            >
              {amount ? t(gift ? "sell.submitGiftFor" : "sell.submitFor", { amount }) : t("sell.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
