// The class schedule (C1): filterable by location, day or week, and instructor; each session with its
// time in the location's zone and format (U1), instructor, places taken and status. Managers schedule
// sessions here; no-shows whose credit waits for a decision are listed below (C4).
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { Temporal } from "temporal-polyfill";
import { useMe, useSession } from "../auth/session.js";
import { dayHeadingIn, dayRangeIn, timeRangeIn } from "../format.js";
import phone from "../reports/phone-table.module.css";
import { useActiveStaff, useClassesChanged, useSessions } from "./class-queries.js";
import { type ClassSession, STATUS_COLOR, shownStatus, useClassWords } from "./class-types.js";
import { ReviewList } from "./ReviewList.js";
import { ScheduleModal } from "./ScheduleModal.js";

type Period = "day" | "week";

/** A calendar day as a heading, in the location's words ("Wednesday 2 December", "december 2., szerda"). */
const dayLabel = (date: Temporal.PlainDate) =>
  dayHeadingIn(new Date(Date.UTC(date.year, date.month - 1, date.day)), "UTC");
const utcDay = (date: Temporal.PlainDate) => new Date(Date.UTC(date.year, date.month - 1, date.day));

export function ClassesPage() {
  const { t } = useTranslation("classes");
  const me = useMe();
  const { can } = useSession();
  const navigate = useNavigate();
  const words = useClassWords();
  const changed = useClassesChanged();
  const [locationId, setLocationId] = useState(me.location.id);
  const location = me.locations.find((l) => l.id === locationId) ?? me.location;
  const zone = location.timeZone;
  const [period, setPeriod] = useState<Period>("day");
  const [date, setDate] = useState(() => Temporal.Now.plainDateISO(zone).toString());
  const [staffId, setStaffId] = useState<string | null>(null);
  const [scheduling, setScheduling] = useState(false);
  const staff = useActiveStaff().data ?? [];

  const range = useMemo(() => {
    const day = Temporal.PlainDate.from(date);
    const first = period === "day" ? day : day.subtract({ days: day.dayOfWeek - 1 });
    const last = first.add({ days: period === "day" ? 1 : 7 });
    const at = (d: Temporal.PlainDate) => d.toZonedDateTime(zone).toInstant().toString();
    return { first, from: at(first), to: at(last) };
  }, [date, period, zone]);
  const sessions = useSessions({ from: range.from, to: range.to, locationId, staffId });

  const step = (n: number) =>
    setDate(
      Temporal.PlainDate.from(date)
        .add({ days: n * (period === "day" ? 1 : 7) })
        .toString(),
    );
  const byDay = new Map<string, ClassSession[]>();
  for (const s of sessions.data ?? []) {
    const d = Temporal.Instant.from(s.startAt).toZonedDateTimeISO(zone).toPlainDate().toString();
    byDay.set(d, [...(byDay.get(d) ?? []), s]);
  }
  const periodLabel =
    period === "day"
      ? dayLabel(range.first)
      : t("schedule.week", {
          days: dayRangeIn(utcDay(range.first), utcDay(range.first.add({ days: 6 })), "UTC"),
        });
  const columns = {
    time: t("schedule.time"),
    class: t("schedule.class"),
    instructor: t("schedule.instructor"),
    places: t("schedule.places"),
    status: t("schedule.status"),
  };

  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={2}>{t("title")}</Title>
        {can("manage_catalog") && <Button onClick={() => setScheduling(true)}>{t("schedule.new")}</Button>}
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label={t("schedule.location")}
          w={{ base: "100%", xs: 220 }}
          data={me.locations.map((l) => ({ value: l.id, label: l.name }))}
          value={locationId}
          onChange={(v) => v && setLocationId(v)}
          allowDeselect={false}
        />
        <Select
          label={t("schedule.instructor")}
          w={{ base: "100%", xs: 200 }}
          placeholder={t("schedule.allInstructors")}
          data={staff.map((s) => ({ value: s.id, label: s.name }))}
          value={staffId}
          onChange={setStaffId}
          clearable
        />
        <SegmentedControl
          aria-label={t("schedule.period")}
          data={[
            { value: "day", label: t("schedule.day") },
            { value: "week", label: t("schedule.weekTab") },
          ]}
          value={period}
          onChange={(v) => setPeriod(v as Period)}
        />
        <TextInput
          type="date"
          label={t("schedule.date")}
          w={160}
          value={date}
          onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)}
        />
        <Group gap={4}>
          <Button
            variant="default"
            onClick={() => step(-1)}
            aria-label={period === "day" ? t("schedule.previousDay") : t("schedule.previousWeek")}
          >
            ‹
          </Button>
          <Button variant="default" onClick={() => setDate(Temporal.Now.plainDateISO(zone).toString())}>
            {t("schedule.today")}
          </Button>
          <Button
            variant="default"
            onClick={() => step(1)}
            aria-label={period === "day" ? t("schedule.nextDay") : t("schedule.nextWeek")}
          >
            ›
          </Button>
        </Group>
      </Group>
      {sessions.error && <Alert color="red">{words(sessions.error)}</Alert>}
      <Card withBorder p="sm">
        <Group justify="space-between" mb="xs" gap="xs">
          <Text fw={600} data-testid="schedule-period">
            {periodLabel}
          </Text>
          <Text size="sm" c="dimmed">
            {t("schedule.timesIn", { location: location.name, zone })}
          </Text>
        </Group>
        {sessions.isPending ? (
          <Loader size="sm" aria-label={t("schedule.loading")} />
        ) : (sessions.data ?? []).length === 0 ? (
          <Text c="dimmed" py="md" data-testid="no-sessions">
            {[
              period === "day" ? t("schedule.emptyDay") : t("schedule.emptyWeek"),
              staffId ? t("schedule.emptyInstructor") : "",
              can("manage_catalog") ? t("schedule.emptyHint") : "",
            ]
              .filter(Boolean)
              .join(" ")}
          </Text>
        ) : (
          <Table highlightOnHover verticalSpacing="sm" data-testid="schedule" className={phone.table}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={150}>{columns.time}</Table.Th>
                <Table.Th>{columns.class}</Table.Th>
                <Table.Th>{columns.instructor}</Table.Th>
                <Table.Th ta="right">{columns.places}</Table.Th>
                <Table.Th ta="right">{columns.status}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {[...byDay.entries()].map(([day, rows]) => [
                period === "week" && (
                  <Table.Tr key={day}>
                    <Table.Td colSpan={5} bg="gray.0">
                      <Text size="sm" fw={600}>
                        {dayLabel(Temporal.PlainDate.from(day))}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ),
                ...rows.map((s) => {
                  const status = shownStatus(s);
                  const open = () => navigate(`/classes/${s.id}`);
                  return (
                    <Table.Tr
                      key={s.id}
                      style={{ cursor: "pointer" }}
                      tabIndex={0}
                      onClick={open}
                      onKeyDown={(e) => e.key === "Enter" && open()}
                      data-testid="class-session"
                      data-status={status}
                    >
                      <Table.Td style={{ whiteSpace: "nowrap" }} data-testid="session-time">
                        {timeRangeIn(s.startAt, s.endAt, zone)}
                      </Table.Td>
                      <Table.Td fw={600}>{s.name}</Table.Td>
                      <Table.Td data-label={columns.instructor}>{s.instructor.name}</Table.Td>
                      <Table.Td ta="right" data-label={columns.places}>
                        <Text
                          span
                          size="sm"
                          data-testid="places"
                          c={
                            status === "cancelled"
                              ? "dimmed"
                              : s.enrolled >= s.capacity
                                ? "orange.8"
                                : undefined
                          }
                        >
                          {t("places", { enrolled: s.enrolled, capacity: s.capacity })}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Badge color={STATUS_COLOR[status]} variant="light">
                          {t(`status.${status}`)}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  );
                }),
              ])}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <ReviewList />
      {scheduling && (
        <ScheduleModal
          staff={staff}
          locationId={locationId}
          defaultDate={date}
          onClose={() => setScheduling(false)}
          onScheduled={(s) => {
            setScheduling(false);
            setLocationId(s.locationId);
            setDate(
              Temporal.Instant.from(s.startAt)
                .toZonedDateTimeISO(me.locations.find((l) => l.id === s.locationId)?.timeZone ?? zone)
                .toPlainDate()
                .toString(),
            );
            changed();
          }}
        />
      )}
    </Stack>
  );
}
