// The owner's settings of the business, in plain words: the language staff and customers are spoken
// to in unless they chose their own (U2), refunds (P8), free items at the till (T4), when a booked
// credit counts as used (A5, C6), no-shows (A7, C4), expiry reminders (R3) and the online booking
// window (A10).
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
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Business as BusinessAnswer, BusinessSettings } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { LANGUAGES, languageName } from "../i18n/index.js";
import { numberInputSeparators } from "../number-input.js";
import { WebhooksSection } from "./WebhooksSection.js";

export type { BusinessSettings };

type RedemptionPoint = BusinessSettings["redemptionPoint"];
type NoShowPolicy = BusinessSettings["appointmentNoShowPolicy"];

/** What the page edits: the settings, and the business's language beside them. */
type Form = BusinessSettings & { language: string };

const REDEMPTION_POINTS: RedemptionPoint[] = ["checkout_or_end", "checkout_only", "booking"];
const NO_SHOW_POLICIES: NoShowPolicy[] = ["consume", "release", "review"];

const DEFAULT_REMINDER_DAYS = 7;

const NOTICE_MINUTES = [0, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 4320, 10080];

/**
 * 120 → "2 hours", 1440 → "1 day", 90 → "1 hour 30 minutes". `before`: as it reads before "before the
 * time" (Hungarian puts its last part in another case: "1 óra 30 perccel").
 */
function duration(t: TFunction<"settings">, minutes: number, before = false): string {
  const last = before ? "durationBefore" : "duration";
  if (minutes % 10080 === 0) return t(`${last}.weeks`, { count: minutes / 10080 });
  if (minutes % 1440 === 0) return t(`${last}.days`, { count: minutes / 1440 });
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (!rest) return t(`${last}.hours`, { count: hours });
  const tail = t(`${last}.minutes`, { count: rest });
  return hours ? `${t("duration.hours", { count: hours })} ${tail}` : tail;
}

function noticeOptions(t: TFunction<"settings">, current: number) {
  const values = NOTICE_MINUTES.includes(current)
    ? NOTICE_MINUTES
    : [...NOTICE_MINUTES, current].sort((a, b) => a - b);
  return values.map((m) => ({ value: String(m), label: m === 0 ? t("online.noMinimum") : duration(t, m) }));
}

const toForm = (b: BusinessAnswer): Form => ({ ...b.settings, language: b.language });

/**
 * Owners change the business's rules; owners and managers register webhooks (W3). A manager sees
 * the webhooks alone.
 */
export function SettingsPage() {
  const { t } = useTranslation("settings");
  const { can } = useSession();
  return (
    <Stack maw={720}>
      <Title order={2}>{t("title")}</Title>
      {can("manage_settings") && <BusinessRules />}
      {can("manage_webhooks") && <WebhooksSection />}
    </Stack>
  );
}

function BusinessRules() {
  const { t } = useTranslation("settings");
  const { refresh } = useSession();
  const queryClient = useQueryClient();
  const business = useQuery({
    queryKey: ["settings"],
    queryFn: () => api.get<BusinessAnswer>("/api/v1/business"),
  });
  /** what the owner changed and has not saved; the rest shows what the server has */
  const [edits, setEdits] = useState<Partial<Form>>({});
  const save = useMutation({
    mutationFn: (body: Partial<Form>) => api.patch<BusinessAnswer>("/api/v1/business/settings", body),
    onSuccess: async (answer) => {
      queryClient.setQueryData(["settings"], answer);
      setEdits({});
      // The session carries the settings and the business's language (the screen may change language).
      await refresh();
      notifications.show({ color: "green", message: t("saved") });
    },
  });

  if (business.error) return <Alert color="red">{plainWords(business.error)}</Alert>;
  if (!business.data) return <Loader aria-label={t("loading")} />;

  const saved = toForm(business.data);
  const form: Form = { ...saved, ...edits };
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setEdits((e) => ({ ...e, [key]: value }));
  const changed = (Object.keys(form) as Array<keyof Form>).filter((k) => form[k] !== saved[k]);
  const remindersOn = form.reminderDaysBeforeExpiry !== null;
  const notice = form.onlineBookingMinNoticeMinutes;

  return (
    <Stack>
      <Text c="dimmed">{t("intro")}</Text>
      {save.error && <Alert color="red">{plainWords(save.error)}</Alert>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(Object.fromEntries(changed.map((k) => [k, form[k]])));
        }}
      >
        <Stack>
          <Card withBorder>
            <Stack>
              <Title order={4}>{t("language.title")}</Title>
              <Select
                label={t("language.label")}
                description={t("language.description")}
                data={LANGUAGES.map((l) => ({ value: l, label: languageName(l) }))}
                value={form.language}
                onChange={(v) => v && set("language", v)}
                allowDeselect={false}
                maw={360}
              />
            </Stack>
          </Card>

          <Card withBorder>
            <Stack>
              <Title order={4}>{t("refunds.title")}</Title>
              <Switch
                label={t("refunds.usedLabel")}
                description={t("refunds.usedDescription")}
                checked={form.allowRefundUsedPackages}
                onChange={(e) => set("allowRefundUsedPackages", e.currentTarget.checked)}
              />
              <Switch
                label={t("refunds.freeLabel")}
                description={t("refunds.freeDescription")}
                checked={form.coverZeroPriceItems}
                onChange={(e) => set("coverZeroPriceItems", e.currentTarget.checked)}
              />
            </Stack>
          </Card>

          <Card withBorder>
            <Radio.Group
              label={t("redemption.label")}
              description={t("redemption.description")}
              value={form.redemptionPoint}
              onChange={(v) => set("redemptionPoint", v as RedemptionPoint)}
            >
              <Stack mt="xs" gap="xs">
                {REDEMPTION_POINTS.map((p) => (
                  <Radio
                    key={p}
                    value={p}
                    label={t(`redemption.${p}.label`)}
                    description={t(`redemption.${p}.help`)}
                  />
                ))}
              </Stack>
            </Radio.Group>
          </Card>

          <Card withBorder>
            <Stack>
              <Title order={4}>{t("noShows.title")}</Title>
              <Text size="sm" c="dimmed">
                {t("noShows.intro")}
              </Text>
              {(["appointmentNoShowPolicy", "classNoShowPolicy"] as const).map((key) => (
                <Select
                  key={key}
                  label={key === "appointmentNoShowPolicy" ? t("noShows.appointments") : t("noShows.classes")}
                  data={NO_SHOW_POLICIES.map((p) => ({ value: p, label: t(`noShows.policy.${p}`) }))}
                  value={form[key]}
                  onChange={(v) => v && set(key, v as NoShowPolicy)}
                  allowDeselect={false}
                />
              ))}
            </Stack>
          </Card>

          <Card withBorder>
            <Stack>
              <Title order={4}>{t("reminders.title")}</Title>
              <Switch
                label={t("reminders.switchLabel")}
                description={t("reminders.switchDescription")}
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
                {...numberInputSeparators()}
                label={t("reminders.daysLabel")}
                description={t("reminders.daysDescription")}
                min={1}
                max={365}
                allowDecimal={false}
                allowNegative={false}
                disabled={!remindersOn}
                // An emptied field stays "on" with no valid number (0) until a number is typed.
                value={form.reminderDaysBeforeExpiry || ""}
                onChange={(v) => set("reminderDaysBeforeExpiry", v === "" ? 0 : Number(v))}
                error={validReminder(form) ? null : t("daysRange")}
                maw={360}
              />
              <Text size="sm" data-testid="reminder-summary">
                {remindersOn
                  ? t("reminders.summary", { count: form.reminderDaysBeforeExpiry ?? 0 })
                  : t("reminders.off")}
              </Text>
            </Stack>
          </Card>

          <Card withBorder>
            <Stack>
              <Title order={4}>{t("online.title")}</Title>
              <Text size="sm" c="dimmed">
                {t("online.intro")}
              </Text>
              <NumberInput
                {...numberInputSeparators()}
                label={t("online.aheadLabel")}
                description={t("online.aheadDescription")}
                suffix={t("online.daysSuffix")}
                min={1}
                max={365}
                allowDecimal={false}
                allowNegative={false}
                value={form.onlineBookingDaysAhead || ""}
                onChange={(v) => set("onlineBookingDaysAhead", v === "" ? 0 : Number(v))}
                error={validDaysAhead(form) ? null : t("daysRange")}
                maw={360}
              />
              <Select
                label={t("online.noticeLabel")}
                description={t("online.noticeDescription")}
                data={noticeOptions(t, notice)}
                value={String(notice)}
                onChange={(v) => v !== null && set("onlineBookingMinNoticeMinutes", Number(v))}
                allowDeselect={false}
                maw={360}
              />
              <Text size="sm" data-testid="online-booking-summary">
                {!validDaysAhead(form)
                  ? t("online.summaryMissing")
                  : notice === 0
                    ? t("online.summaryUntilStart", { count: form.onlineBookingDaysAhead })
                    : t("online.summaryNotice", {
                        count: form.onlineBookingDaysAhead,
                        notice: duration(t, notice, true),
                      })}
              </Text>
            </Stack>
          </Card>

          <Group>
            <Button
              type="submit"
              loading={save.isPending}
              disabled={changed.length === 0 || !validReminder(form) || !validDaysAhead(form)}
            >
              {t("save")}
            </Button>
            {changed.length > 0 && (
              <Button variant="subtle" onClick={() => setEdits({})} disabled={save.isPending}>
                {t("discard")}
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
