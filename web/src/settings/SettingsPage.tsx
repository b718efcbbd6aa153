// The owner's settings of the business, in plain words: refunds (P8), free items at the till (T4),
// when a booked credit counts as used (A5, C6), no-shows (A7, C4), expiry reminders (R3) and the
// online booking window (A10).
import {
  Alert,
  Button,
  Card,
  Group,
  Loader,
  NumberInput,
  Radio,
  Select,
  Stack,
  Switch,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";

type RedemptionPoint = "checkout_or_end" | "checkout_only" | "booking";
type NoShowPolicy = "consume" | "release" | "review";

export interface BusinessSettings {
  allowRefundUsedPackages: boolean;
  coverZeroPriceItems: boolean;
  redemptionPoint: RedemptionPoint;
  appointmentNoShowPolicy: NoShowPolicy;
  classNoShowPolicy: NoShowPolicy;
  reminderDaysBeforeExpiry: number | null;
  onlineBookingDaysAhead: number;
  onlineBookingMinNoticeMinutes: number;
}

const REDEMPTION_POINTS: Array<{ value: RedemptionPoint; label: string; help: string }> = [
  {
    value: "checkout_or_end",
    label: "At checkout, or when the appointment or class is over",
    help: "Whichever comes first. Recommended: nobody has to remember to check out.",
  },
  {
    value: "checkout_only",
    label: "Only at checkout",
    help: "The credit stays booked until the ticket is closed.",
  },
  {
    value: "booking",
    label: "As soon as it is booked",
    help: "The counter moves when the booking is saved; cancelling gives the credit back.",
  },
];

const NO_SHOW_POLICIES: Array<{ value: NoShowPolicy; label: string }> = [
  { value: "consume", label: "Count the credit as used" },
  { value: "release", label: "Give the credit back" },
  { value: "review", label: "Leave it for staff to decide" },
];

const DEFAULT_REMINDER_DAYS = 7;

const NOTICE_MINUTES = [0, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 4320, 10080];

/** 120 → "2 hours", 1440 → "1 day", 90 → "1 hour 30 minutes" */
function duration(minutes: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (minutes === 0) return "no minimum";
  if (minutes % 10080 === 0) return unit(minutes / 10080, "week");
  if (minutes % 1440 === 0) return unit(minutes / 1440, "day");
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return [hours ? unit(hours, "hour") : "", rest ? unit(rest, "minute") : ""].filter(Boolean).join(" ");
}

function noticeOptions(current: number) {
  const values = NOTICE_MINUTES.includes(current)
    ? NOTICE_MINUTES
    : [...NOTICE_MINUTES, current].sort((a, b) => a - b);
  return values.map((m) => ({ value: String(m), label: m === 0 ? "No minimum" : duration(m) }));
}

export function SettingsPage() {
  const { refresh } = useSession();
  const [saved, setSaved] = useState<BusinessSettings | null>(null);
  const [form, setForm] = useState<BusinessSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .get<{ settings: BusinessSettings }>("/api/v1/business")
      .then((b) => {
        setSaved(b.settings);
        setForm(b.settings);
      })
      .catch((e) => setLoadError(plainWords(e)));
  }, []);

  if (loadError) return <Alert color="red">{loadError}</Alert>;
  if (!form || !saved) return <Loader aria-label="Loading settings" />;

  const set = <K extends keyof BusinessSettings>(key: K, value: BusinessSettings[K]) =>
    setForm({ ...form, [key]: value });
  const changed = (Object.keys(form) as Array<keyof BusinessSettings>).filter((k) => form[k] !== saved[k]);
  const remindersOn = form.reminderDaysBeforeExpiry !== null;

  async function save() {
    if (!form) return;
    setBusy(true);
    setSaveError(null);
    try {
      const body = Object.fromEntries(changed.map((k) => [k, form[k]]));
      const b = await api.patch<{ settings: BusinessSettings }>("/api/v1/business/settings", body);
      setSaved(b.settings);
      setForm(b.settings);
      await refresh();
      notifications.show({ color: "green", message: "Settings saved." });
    } catch (e) {
      setSaveError(plainWords(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack maw={720}>
      <Title order={2}>Settings</Title>
      <Text c="dimmed">These rules apply to every location of the business.</Text>
      {saveError && <Alert color="red">{saveError}</Alert>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack>
          <Card withBorder>
            <Stack>
              <Title order={4}>Refunds and the till</Title>
              <Switch
                label="Refund packages that were partly used"
                description="When on, a manager can refund a package after some of its credits were used; the refund is worth the credits still free. When off, only unused packages can be refunded."
                checked={form.allowRefundUsedPackages}
                onChange={(e) => set("allowRefundUsedPackages", e.currentTarget.checked)}
              />
              <Switch
                label="Use package credits for free items"
                description="When on, an item priced 0 on a ticket is still taken from a package that includes it. When off, free items never use a credit."
                checked={form.coverZeroPriceItems}
                onChange={(e) => set("coverZeroPriceItems", e.currentTarget.checked)}
              />
            </Stack>
          </Card>

          <Card withBorder>
            <Radio.Group
              label="When a booked credit counts as used"
              description="A credit booked for an appointment or a class is used up…"
              value={form.redemptionPoint}
              onChange={(v) => set("redemptionPoint", v as RedemptionPoint)}
            >
              <Stack mt="xs" gap="xs">
                {REDEMPTION_POINTS.map((p) => (
                  <Radio key={p.value} value={p.value} label={p.label} description={p.help} />
                ))}
              </Stack>
            </Radio.Group>
          </Card>

          <Card withBorder>
            <Stack>
              <Title order={4}>No-shows</Title>
              <Text size="sm" c="dimmed">
                What happens to the booked credit when a customer does not come. A manager can always undo it
                later.
              </Text>
              <Select
                label="Appointments"
                data={NO_SHOW_POLICIES}
                value={form.appointmentNoShowPolicy}
                onChange={(v) => v && set("appointmentNoShowPolicy", v as NoShowPolicy)}
                allowDeselect={false}
              />
              <Select
                label="Classes"
                data={NO_SHOW_POLICIES}
                value={form.classNoShowPolicy}
                onChange={(v) => v && set("classNoShowPolicy", v as NoShowPolicy)}
                allowDeselect={false}
              />
            </Stack>
          </Card>

          <Card withBorder>
            <Stack>
              <Title order={4}>Expiry reminders</Title>
              <Switch
                label="E-mail customers before their package expires"
                description="Customers with credits left and an e-mail address get one e-mail per package, listing what is left. Nobody gets it twice for the same expiry date."
                checked={remindersOn}
                onChange={(e) =>
                  set(
                    "reminderDaysBeforeExpiry",
                    e.currentTarget.checked
                      ? (saved.reminderDaysBeforeExpiry ?? DEFAULT_REMINDER_DAYS)
                      : null,
                  )
                }
              />
              <NumberInput
                label="Days before expiry"
                description="Remind customers this many days before the last day of their package (1 to 365)."
                min={1}
                max={365}
                allowDecimal={false}
                allowNegative={false}
                disabled={!remindersOn}
                // An emptied field stays "on" with no valid number (0) until a number is typed.
                value={form.reminderDaysBeforeExpiry || ""}
                onChange={(v) => set("reminderDaysBeforeExpiry", v === "" ? 0 : Number(v))}
                error={validReminder(form) ? null : "Enter a number of days from 1 to 365."}
                maw={360}
              />
              <Text size="sm" data-testid="reminder-summary">
                {remindersOn
                  ? `Customers are reminded ${form.reminderDaysBeforeExpiry} day${form.reminderDaysBeforeExpiry === 1 ? "" : "s"} before expiry.`
                  : "Reminders are off."}
              </Text>
            </Stack>
          </Card>

          <Card withBorder>
            <Stack>
              <Title order={4}>Online booking</Title>
              <Text size="sm" c="dimmed">
                Which times the public booking page offers. Customers confirm each booking by a link sent to
                their e-mail address.
              </Text>
              <NumberInput
                label="How far ahead customers may book"
                description="The last day offered, counted from today (1 to 365 days)."
                suffix=" days"
                min={1}
                max={365}
                allowDecimal={false}
                allowNegative={false}
                value={form.onlineBookingDaysAhead || ""}
                onChange={(v) => set("onlineBookingDaysAhead", v === "" ? 0 : Number(v))}
                error={validDaysAhead(form) ? null : "Enter a number of days from 1 to 365."}
                maw={360}
              />
              <Select
                label="Minimum notice"
                description="How long before it starts a time can still be booked online."
                data={noticeOptions(form.onlineBookingMinNoticeMinutes)}
                value={String(form.onlineBookingMinNoticeMinutes)}
                onChange={(v) => v !== null && set("onlineBookingMinNoticeMinutes", Number(v))}
                allowDeselect={false}
                maw={360}
              />
              <Text size="sm" data-testid="online-booking-summary">
                {validDaysAhead(form)
                  ? `Customers can book online up to ${form.onlineBookingDaysAhead} day${form.onlineBookingDaysAhead === 1 ? "" : "s"} ahead, ${form.onlineBookingMinNoticeMinutes === 0 ? "until the time starts" : `at least ${duration(form.onlineBookingMinNoticeMinutes)} before the time`}.`
                  : "Enter how far ahead customers may book."}
              </Text>
            </Stack>
          </Card>

          <Group>
            <Button
              type="submit"
              loading={busy}
              disabled={changed.length === 0 || !validReminder(form) || !validDaysAhead(form)}
            >
              Save settings
            </Button>
            {changed.length > 0 && (
              <Button variant="subtle" onClick={() => setForm(saved)} disabled={busy}>
                Discard changes
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

const validDaysAhead = (s: BusinessSettings) =>
  Number.isInteger(s.onlineBookingDaysAhead) &&
  s.onlineBookingDaysAhead >= 1 &&
  s.onlineBookingDaysAhead <= 365;

const validReminder = (s: BusinessSettings) =>
  s.reminderDaysBeforeExpiry === null ||
  (Number.isInteger(s.reminderDaysBeforeExpiry) &&
    s.reminderDaysBeforeExpiry >= 1 &&
    s.reminderDaysBeforeExpiry <= 365);
