// G3: a manager moves the free credits of a package (all of them, or one line's) to another
// customer, whose new package gets them. Who, what, until when and why; a sentence says what will
// happen before it does; the button stays disabled until the server would take it; a refusal is
// said next to the field it is about.
import { Alert, Anchor, Button, Group, Modal, Radio, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Answer, Line, Package } from "../api/types.js";
import { ApiError, api, plainWords } from "../api.js";
import { currentFormatLocale, localDate, UNLIMITED_ABOVE } from "../format.js";
import { CustomerPicker } from "../till/CustomerPicker.js";
import { useCreditWords } from "./CreditBar.js";
import { afterPackageChange } from "./queries.js";

type Transferred = Answer<"/api/v1/packages/{packageId}/transfer", "post">;
type Field = "toCustomerId" | "lineId" | "expiresOn" | "reason";
const FIELDS: readonly string[] = ["toCustomerId", "lineId", "expiresOn", "reason"];

/** Today's date, 'YYYY-MM-DD', in `timeZone`. */
export const todayIn = (timeZone: string): string =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(),
  );

/** "2 Massage credits and 1 Facial credit": what moves, item by item, in the screen's language. */
export function useCreditList() {
  const { t } = useTranslation("packages");
  return (credits: Array<{ item: string; quantity: number }>) =>
    new Intl.ListFormat(currentFormatLocale(), { type: "conjunction" }).format(
      credits.map((c) =>
        c.quantity > UNLIMITED_ABOVE
          ? t("transfer.unlimitedCredits", { item: c.item })
          : t("transfer.itemCredits", { count: c.quantity, item: c.item }),
      ),
    );
}

/** The words for a refusal of a transfer or of its undoing; a code without words of its own, as the API's. */
export function useTransferRefusal() {
  const { t, i18n } = useTranslation("packages");
  return (error: unknown) =>
    error instanceof ApiError && i18n.exists(`transfer.refused.${error.code}`, { ns: "packages" })
      ? t(`transfer.refused.${error.code}`)
      : plainWords(error);
}

export function TransferModal({
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
  const creditList = useCreditList();
  const refusal = useTransferRefusal();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [recipient, setRecipient] = useState<{ id: string; name: string } | null>(null);
  /** "all", or the id of the one line that moves */
  const [what, setWhat] = useState("all");
  const [expiresOn, setExpiresOn] = useState(pkg.expiresOn ?? "");
  const [reason, setReason] = useState("");

  const free = pkg.lines.filter((l) => l.remaining > 0);
  const moving = what === "all" ? free : free.filter((l) => l.id === what);
  const credits = moving.map((l) => ({ item: l.itemName, quantity: l.remaining }));
  const count = moving.reduce((n, l) => n + l.remaining, 0);
  const today = todayIn(pkg.timeZone);
  const past = expiresOn !== "" && expiresOn < today;
  // An emptied date keeps the package's own: the server's default too.
  const lastDay = expiresOn || pkg.expiresOn;
  const booked = moving.some((l) => l.booked > 0);
  const ready = recipient !== null && moving.length > 0 && !past && reason.trim() !== "";

  const transfer = useMutation({
    mutationFn: () =>
      api.post<Transferred>(`/api/v1/packages/${pkg.id}/transfer`, {
        toCustomerId: recipient!.id,
        ...(what !== "all" ? { lineId: what } : {}),
        ...(expiresOn !== "" && expiresOn !== pkg.expiresOn ? { expiresOn } : {}),
        reason: reason.trim(),
      }),
    onSuccess: async (r) => {
      const name = recipient!.name;
      const id = `transfer-${r.to.id}`;
      notifications.show({
        id,
        color: "green",
        autoClose: 8000,
        message: (
          <Stack gap={2}>
            <Text size="sm" data-testid="transfer-done">
              {t("transfer.done", {
                count: r.to.lines.reduce((n, l) => n + l.total, 0),
                credits: creditList(r.to.lines.map((l) => ({ item: l.itemName, quantity: l.total }))),
                name,
              })}
            </Text>
            <Anchor
              component="button"
              type="button"
              size="sm"
              ta="left"
              onClick={() => {
                notifications.hide(id);
                navigate(`/customers/${r.to.customerId}`);
              }}
            >
              {t("transfer.openRecipient", { name })}
            </Anchor>
          </Stack>
        ),
      });
      await Promise.all([
        afterPackageChange(queryClient, pkg.customerId),
        afterPackageChange(queryClient, r.to.customerId),
      ]);
      onDone();
    },
  });
  // A refusal about one field is said next to it, and goes when that field changes.
  const error = transfer.error;
  const field = error instanceof ApiError && error.field && FIELDS.includes(error.field) ? error.field : null;
  const errorAt = (f: Field) => (field === f ? refusal(error) : null);
  const changed = () => {
    if (transfer.error) transfer.reset();
  };

  const lineWords = (l: Line) =>
    l.remaining === 0 ? t("transfer.nothingFree", { left: words.left(l) }) : words.left(l);
  const preview = recipient
    ? t(lastDay ? "transfer.preview" : "transfer.previewNoExpiry", {
        count,
        credits: creditList(credits),
        name: recipient.name,
        date: lastDay ? localDate(lastDay) : "",
      })
    : t("transfer.previewNoOne", { count, credits: creditList(credits) });

  return (
    <Modal opened onClose={onClose} title={t("transfer.title", { name: pkg.name })}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) transfer.mutate();
        }}
      >
        <Stack>
          {error && !field && (
            <Alert color="red" data-testid="transfer-error">
              {refusal(error)}
            </Alert>
          )}
          <CustomerPicker
            label={t("transfer.to")}
            value={recipient}
            onChange={(c) => {
              changed();
              setRecipient(c);
            }}
            exclude={pkg.customerId}
            error={errorAt("toCustomerId")}
            autoFocus
          />
          {pkg.lines.length > 1 ? (
            <Radio.Group
              label={t("transfer.what")}
              value={what}
              onChange={(v) => {
                changed();
                setWhat(v);
              }}
              error={errorAt("lineId")}
            >
              <Stack gap="xs" mt={6}>
                <Radio
                  value="all"
                  label={t("transfer.allFree")}
                  description={creditList(free.map((l) => ({ item: l.itemName, quantity: l.remaining })))}
                />
                {pkg.lines.map((l) => (
                  <Radio
                    key={l.id}
                    value={l.id}
                    label={l.itemName}
                    description={lineWords(l)}
                    disabled={l.remaining === 0}
                  />
                ))}
              </Stack>
            </Radio.Group>
          ) : (
            <Text size="sm" data-testid="transfer-line">
              {t("transfer.oneLine", { item: pkg.lines[0]!.itemName, left: lineWords(pkg.lines[0]!) })}
            </Text>
          )}
          <TextInput
            type="date"
            label={t("transfer.lastDay")}
            description={
              pkg.expiresOn
                ? t("transfer.lastDaySame", { date: localDate(pkg.expiresOn) })
                : t("transfer.lastDayNever")
            }
            value={expiresOn}
            min={today}
            onChange={(e) => {
              changed();
              setExpiresOn(e.currentTarget.value);
            }}
            error={past ? t("transfer.refused.expiry_in_past") : errorAt("expiresOn")}
          />
          <Textarea
            label={t("dialogs.reason")}
            description={t("dialogs.reasonRequired")}
            value={reason}
            onChange={(e) => {
              changed();
              setReason(e.currentTarget.value);
            }}
            error={errorAt("reason")}
            required
            maxLength={500}
          />
          {count > 0 && (
            <Text size="sm" fw={500} data-testid="transfer-preview">
              {preview}
              {booked && ` ${t("transfer.bookedStay")}`}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialogs.cancel")}
            </Button>
            <Button type="submit" loading={transfer.isPending} disabled={!ready}>
              {count > 0 && count <= UNLIMITED_ABOVE
                ? t("transfer.submit", { count })
                : t("transfer.submitBare")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
