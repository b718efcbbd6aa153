// O2: a week of hours, Monday to Sunday, each day with none, one or several intervals (a split
// shift, a lunch break). Used for a staff member's working hours at a location and for a location's
// opening hours. The server checks the week (an end after its start, no overlaps, 00:00 to 24:00)
// and names the interval it refuses; the editor shows that next to the time it is about.
import { ActionIcon, Alert, Button, Group, Paper, Stack, Text, TextInput } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Hours } from "../api/types.js";
import { type FormError, formError } from "../onboarding/field-error.js";

/** Monday … Sunday, as the API numbers them (1 … 7). */
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
/** English names, for test ids that stay the same in every language. */
const DAY_IDS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

interface Row extends Hours {
  key: number;
}

export function WeeklyHoursEditor({
  label,
  hours,
  canEdit,
  emptyDay,
  emptyWeek,
  onSave,
  saveLabel,
}: {
  /** names the week for screen readers and the save button, e.g. "Opening hours of Budapest" */
  label: string;
  hours: Hours[];
  canEdit: boolean;
  /** what a day without intervals means once the week has any: "Closed", "Not working" */
  emptyDay: string;
  /** what every day means while the whole week is empty, when that differs ("09:00–18:00 (default)") */
  emptyWeek?: string | undefined;
  onSave: (hours: Hours[]) => Promise<void>;
  saveLabel?: string;
}) {
  const { t } = useTranslation("staff");
  const saveText = saveLabel ?? t("hours.save");
  const next = useRef(0);
  const toRows = (h: Hours[]) => h.map((x) => ({ ...x, key: next.current++ }));
  const [rows, setRows] = useState<Row[]>(() => toRows(hours));
  const [error, setError] = useState<FormError | null>(null);
  /** the row and side a server error names */
  const [errorAt, setErrorAt] = useState<{ key: number; side: "start" | "end" } | null>(null);
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new week from the server replaces the edits
  useEffect(() => {
    setRows(toRows(hours));
    setDirty(false);
    setError(null);
    setErrorAt(null);
  }, [hours]);

  const change = (key: number, patch: Partial<Hours>) => {
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    setDirty(true);
  };
  const add = (weekday: number) => {
    const today = rows.filter((r) => r.weekday === weekday);
    const last = today[today.length - 1];
    const start = last ? last.end : "09:00";
    const end = last ? (last.end < "22:00" ? "22:00" : "24:00") : "17:00";
    setRows((rs) => [...rs, { weekday, start, end, key: next.current++ }]);
    setDirty(true);
  };
  const remove = (key: number) => {
    setRows((rs) => rs.filter((r) => r.key !== key));
    setDirty(true);
  };

  async function save() {
    // Sent day by day, in the order shown: the server's "hours.3.end" is the fourth of these.
    const sent = [...rows].sort((a, b) => a.weekday - b.weekday);
    setBusy(true);
    setError(null);
    setErrorAt(null);
    try {
      await onSave(
        sent.map(({ weekday, start, end }) => ({ weekday, start: start.trim(), end: end.trim() })),
      );
      setDirty(false);
    } catch (e) {
      const shown = formError(e);
      const m = /^hours\.(\d+)\.(start|end|weekday)$/.exec(shown.field ?? "");
      const row = m ? sent[Number(m[1])] : undefined;
      if (row) setErrorAt({ key: row.key, side: m?.[2] === "end" ? "end" : "start" });
      setError(shown);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="xs" aria-label={label} role="group">
      {error && !errorAt && <Alert color="red">{error.text}</Alert>}
      {WEEKDAYS.map((weekday) => {
        const day = t(`hours.weekday.${weekday}`);
        const today = rows.filter((r) => r.weekday === weekday);
        return (
          <Paper key={weekday} withBorder p="xs" data-testid={`hours-${DAY_IDS[weekday - 1]}`}>
            <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
              <Text fw={600} w={100}>
                {day}
              </Text>
              <Stack gap={6} flex="1 1 220px">
                {today.length === 0 && (
                  <Text size="sm" c="dimmed" pt={4}>
                    {rows.length === 0 && emptyWeek ? emptyWeek : emptyDay}
                  </Text>
                )}
                {today.map((r) => {
                  const wrong = errorAt?.key === r.key ? errorAt.side : null;
                  const errorId = `hours-error-${r.key}`;
                  const described = wrong ? { "aria-describedby": errorId } : {};
                  return canEdit ? (
                    <Stack key={r.key} gap={2}>
                      <Group gap={6} wrap="nowrap" align="center">
                        <TextInput
                          aria-label={t("hours.from", { day })}
                          value={r.start}
                          onChange={(e) => change(r.key, { start: e.currentTarget.value })}
                          placeholder="09:00"
                          maxLength={5}
                          inputMode="numeric"
                          w={84}
                          error={wrong === "start"}
                          {...(wrong === "start" ? described : {})}
                        />
                        <Text>–</Text>
                        <TextInput
                          aria-label={t("hours.until", { day })}
                          value={r.end}
                          onChange={(e) => change(r.key, { end: e.currentTarget.value })}
                          placeholder="17:00"
                          maxLength={5}
                          inputMode="numeric"
                          w={84}
                          error={wrong === "end"}
                          {...(wrong === "end" ? described : {})}
                        />
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t("hours.remove", { day, start: r.start, end: r.end })}
                          onClick={() => remove(r.key)}
                        >
                          ×
                        </ActionIcon>
                      </Group>
                      {wrong && (
                        <Text id={errorId} size="xs" c="red" role="alert">
                          {error?.text}
                        </Text>
                      )}
                    </Stack>
                  ) : (
                    <Text key={r.key} size="sm">
                      {r.start}–{r.end}
                    </Text>
                  );
                })}
              </Stack>
              {canEdit && (
                <Button
                  size="compact-sm"
                  variant="light"
                  onClick={() => add(weekday)}
                  aria-label={t("hours.addOn", { day })}
                >
                  {t("hours.add")}
                </Button>
              )}
            </Group>
          </Paper>
        );
      })}
      {canEdit && (
        <Group justify="space-between" wrap="wrap">
          <Text size="xs" c="dimmed">
            {t("hours.timesHint")}
          </Text>
          <Button onClick={save} loading={busy} disabled={!dirty} aria-label={`${saveText}: ${label}`}>
            {saveText}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
