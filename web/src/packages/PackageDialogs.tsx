// Adjust (P9), extend expiry (P7), refund (P8) and sell (P3): each asks what it must and says why
// when the server refuses.
import {
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { api, plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { localDate, money } from "../format.js";
import type { Package, Template } from "../types.js";

function useSubmit(onDone: () => void, success: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await work();
      notifications.show({ color: "green", message: success });
      onDone();
    } catch (e) {
      setError(plainWords(e));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
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
  const [lineId, setLineId] = useState(pkg.lines[0]!.id);
  const [direction, setDirection] = useState<"add" | "deduct">("add");
  const [quantity, setQuantity] = useState<number | string>(1);
  const [reason, setReason] = useState("");
  const { busy, error, run } = useSubmit(onDone, "Credits adjusted.");
  const line = pkg.lines.find((l) => l.id === lineId)!;
  return (
    <Modal opened onClose={onClose} title={`Adjust ${pkg.name}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() =>
            api.post(`/api/v1/packages/${pkg.id}/lines/${lineId}/adjustments`, {
              direction,
              quantity: Number(quantity),
              reason: reason.trim(),
            }),
          );
        }}
      >
        <Stack>
          {error && <Alert color="red">{error}</Alert>}
          {pkg.lines.length > 1 && (
            <Select
              label="Item"
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
              { value: "add", label: "Add credits" },
              { value: "deduct", label: "Deduct credits" },
            ]}
          />
          <Text size="sm" c="dimmed">
            {direction === "add"
              ? `Adding grows the whole package: ${line.remaining}/${line.total} becomes ${line.remaining + Number(quantity || 0)}/${line.total + Number(quantity || 0)}.`
              : `Deducting lowers what is left: ${line.remaining}/${line.total} becomes ${line.remaining - Number(quantity || 0)}/${line.total}.`}
          </Text>
          <NumberInput
            label="How many"
            min={1}
            max={direction === "deduct" ? Math.max(1, line.remaining) : 10000}
            allowDecimal={false}
            allowNegative={false}
            value={quantity}
            onChange={setQuantity}
            required
          />
          <Textarea
            label="Reason"
            description="Required: it is kept in the activity log."
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            required
            maxLength={500}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={reason.trim().length === 0 || !Number(quantity)}>
              {direction === "add" ? "Add" : "Deduct"} {Number(quantity) || ""}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
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
  const [date, setDate] = useState("");
  const [reason, setReason] = useState("");
  const { busy, error, run } = useSubmit(onDone, "Expiry extended.");
  return (
    <Modal opened onClose={onClose} title={`Extend ${pkg.name}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() =>
            api.post(`/api/v1/packages/${pkg.id}/extend`, {
              expiresOn: date,
              ...(reason.trim() ? { reason: reason.trim() } : {}),
            }),
          );
        }}
      >
        <Stack>
          {error && <Alert color="red">{error}</Alert>}
          <Text size="sm">
            Now valid until {pkg.expiresOn ? localDate(pkg.expiresOn) : "—"}, end of day in {pkg.timeZone}.
          </Text>
          <TextInput
            type="date"
            label="New last day"
            value={date}
            min={pkg.expiresOn ?? undefined}
            onChange={(e) => setDate(e.currentTarget.value)}
            required
            data-autofocus
          />
          <Textarea
            label="Reason (optional)"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={500}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!date}>
              Extend
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
  const [kind, setKind] = useState<"money" | "store_credit">(
    pkg.status === "expired" ? "store_credit" : "money",
  );
  const [reason, setReason] = useState("");
  const { busy, error, run } = useSubmit(onDone, "Package refunded.");
  const value = pkg.lines.reduce((sum, l) => sum + l.remainingValueMinor, 0);
  const free = pkg.lines.reduce((sum, l) => sum + l.remaining, 0);
  return (
    <Modal opened onClose={onClose} title={`Refund ${pkg.name}?`}>
      <Stack>
        {error && <Alert color="red">{error}</Alert>}
        <Text>
          {free} unused credit{free === 1 ? "" : "s"}, worth <b>{money(value, pkg.currency)}</b>, will be
          refunded and the package can no longer be used.
        </Text>
        <SegmentedControl
          value={kind}
          onChange={(v) => setKind(v as "money" | "store_credit")}
          data={[
            { value: "money", label: "Refund" },
            { value: "store_credit", label: "Refund as store credit" },
          ]}
        />
        {pkg.status === "expired" && (
          <Text size="sm" c="dimmed">
            The package has expired: refunding its leftovers as store credit is an act of grace.
          </Text>
        )}
        <Textarea
          label="Reason (optional)"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maxLength={500}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={busy}
            onClick={() =>
              run(() =>
                api.post(`/api/v1/packages/${pkg.id}/refund`, {
                  kind,
                  ...(reason.trim() ? { reason: reason.trim() } : {}),
                }),
              )
            }
          >
            {kind === "money" ? "Refund" : "Refund as store credit"} {money(value, pkg.currency)}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function SellModal({
  customerId,
  onClose,
  onDone,
}: {
  customerId: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const me = useMe();
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [locationId, setLocationId] = useState<string>(me.location.id);
  const [price, setPrice] = useState<number | string>("");
  const { busy, error, run } = useSubmit(onDone, "Package sold.");
  const location = me.locations.find((l) => l.id === locationId)!;
  const template = templates?.find((t) => t.id === templateId);

  useEffect(() => {
    api.get<Template[]>("/api/v1/templates").then(setTemplates, () => setTemplates([]));
  }, []);
  useEffect(() => {
    const minor = template?.prices[location.currency];
    setPrice(minor === undefined ? "" : minor / 100);
  }, [template, location.currency]);

  return (
    <Modal opened onClose={onClose} title="Sell a package">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() =>
            api.post(`/api/v1/customers/${customerId}/packages`, {
              templateId,
              locationId,
              ...(price !== "" ? { priceMinor: Math.round(Number(price) * 100) } : {}),
            }),
          );
        }}
      >
        <Stack>
          {error && <Alert color="red">{error}</Alert>}
          <Select
            label="Package"
            placeholder="Choose a package"
            searchable
            data={(templates ?? []).map((t) => ({ value: t.id, label: t.name }))}
            value={templateId}
            onChange={setTemplateId}
            nothingFoundMessage="No package is on sale"
            required
            data-autofocus
          />
          {template && (
            <Text size="sm" c="dimmed">
              {template.items.map((i) => `${i.quantity} × ${i.itemName}`).join(", ")}
            </Text>
          )}
          <Select
            label="Sold at"
            data={me.locations.map((l) => ({ value: l.id, label: `${l.name} (${l.currency})` }))}
            value={locationId}
            onChange={(v) => v && setLocationId(v)}
            allowDeselect={false}
          />
          <NumberInput
            label={`Price (${location.currency})`}
            min={0}
            decimalScale={2}
            allowNegative={false}
            value={price}
            onChange={setPrice}
            required
            thousandSeparator=" "
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!templateId || price === ""}>
              Sell {price !== "" ? money(Math.round(Number(price) * 100), location.currency) : ""}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
