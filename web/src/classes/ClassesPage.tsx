// The class schedule (C1): filterable by location, day or week, and instructor; each session with its
// time in the location's zone, instructor, places taken and status. Managers schedule sessions here;
// no-shows whose credit waits for a decision are listed below (C4).
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
import { useCallback, useEffect, useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { Temporal } from "temporal-polyfill";
import { api, query } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { type ClassSession, classWords, STATUS_COLOR, shownStatus } from "./class-types.js";
import { ReviewList } from "./ReviewList.js";
import { ScheduleModal } from "./ScheduleModal.js";

type Period = "day" | "week";

export interface StaffMember {
  id: string;
  name: string;
  active: boolean;
}

const timeIn = (iso: string, zone: string) =>
  new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: zone }).format(
    new Date(iso),
  );
const dayLabel = (date: Temporal.PlainDate) =>
  new Intl.DateTimeFormat("en-GB", {
    weekday: "long",
    day: "numeric",
    month: "long",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(date.year, date.month - 1, date.day)));

export function ClassesPage() {
  const me = useMe();
  const { can } = useSession();
  const navigate = useNavigate();
  const [locationId, setLocationId] = useState(me.location.id);
  const location = me.locations.find((l) => l.id === locationId) ?? me.location;
  const zone = location.timeZone;
  const [period, setPeriod] = useState<Period>("day");
  const [date, setDate] = useState(() => Temporal.Now.plainDateISO(zone).toString());
  const [staffId, setStaffId] = useState<string | null>(null);
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const [sessions, setSessions] = useState<ClassSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [scheduling, setScheduling] = useState(false);

  useEffect(() => {
    api.get<StaffMember[]>("/api/v1/staff").then(
      (rows) => setStaff(rows.filter((s) => s.active)),
      () => {},
    );
  }, []);

  const range = useMemo(() => {
    const day = Temporal.PlainDate.from(date);
    const first = period === "day" ? day : day.subtract({ days: day.dayOfWeek - 1 });
    const last = first.add({ days: period === "day" ? 1 : 7 });
    const at = (d: Temporal.PlainDate) => d.toZonedDateTime(zone).toInstant().toString();
    return { first, from: at(first), to: at(last) };
  }, [date, period, zone]);

  const load = useCallback(() => {
    setSessions(null);
    api
      .get<ClassSession[]>(
        `/api/v1/class-sessions${query({ from: range.from, to: range.to, locationId, staffId })}`,
      )
      .then(
        (rows) => {
          setSessions(rows);
          setError(null);
        },
        (e) => {
          setSessions([]);
          setError(classWords(e));
        },
      );
  }, [range, locationId, staffId]);
  useEffect(load, [load]);

  const step = (n: number) =>
    setDate(
      Temporal.PlainDate.from(date)
        .add({ days: n * (period === "day" ? 1 : 7) })
        .toString(),
    );
  const byDay = new Map<string, ClassSession[]>();
  for (const s of sessions ?? []) {
    const d = Temporal.Instant.from(s.startAt).toZonedDateTimeISO(zone).toPlainDate().toString();
    byDay.set(d, [...(byDay.get(d) ?? []), s]);
  }
  const periodLabel =
    period === "day"
      ? dayLabel(range.first)
      : `Week of ${dayLabel(range.first)} – ${dayLabel(range.first.add({ days: 6 }))}`;

  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={2}>Classes</Title>
        {can("manage_catalog") && <Button onClick={() => setScheduling(true)}>Schedule a class</Button>}
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label="Location"
          w={220}
          data={me.locations.map((l) => ({ value: l.id, label: l.name }))}
          value={locationId}
          onChange={(v) => v && setLocationId(v)}
          allowDeselect={false}
        />
        <Select
          label="Instructor"
          w={200}
          placeholder="All instructors"
          data={staff.map((s) => ({ value: s.id, label: s.name }))}
          value={staffId}
          onChange={setStaffId}
          clearable
        />
        <SegmentedControl
          aria-label="Period"
          data={[
            { value: "day", label: "Day" },
            { value: "week", label: "Week" },
          ]}
          value={period}
          onChange={(v) => setPeriod(v as Period)}
        />
        <TextInput
          type="date"
          label="Date"
          w={160}
          value={date}
          onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)}
        />
        <Group gap={4}>
          <Button variant="default" onClick={() => step(-1)} aria-label={`Previous ${period}`}>
            ‹
          </Button>
          <Button variant="default" onClick={() => setDate(Temporal.Now.plainDateISO(zone).toString())}>
            Today
          </Button>
          <Button variant="default" onClick={() => step(1)} aria-label={`Next ${period}`}>
            ›
          </Button>
        </Group>
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      <Card withBorder p="sm">
        <Group justify="space-between" mb="xs">
          <Text fw={600} data-testid="schedule-period">
            {periodLabel}
          </Text>
          <Text size="sm" c="dimmed">
            Times in {location.name} ({zone})
          </Text>
        </Group>
        {sessions === null ? (
          <Loader size="sm" aria-label="Loading classes" />
        ) : sessions.length === 0 ? (
          <Text c="dimmed" py="md" data-testid="no-sessions">
            No classes {period === "day" ? "on this day" : "this week"}
            {staffId ? " with this instructor" : ""}.
            {can("manage_catalog") ? " Schedule one with “Schedule a class”." : ""}
          </Text>
        ) : (
          <Table highlightOnHover verticalSpacing="sm" data-testid="schedule">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={110}>Time</Table.Th>
                <Table.Th>Class</Table.Th>
                <Table.Th>Instructor</Table.Th>
                <Table.Th ta="right">Booked</Table.Th>
                <Table.Th ta="right">Status</Table.Th>
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
                      <Table.Td style={{ whiteSpace: "nowrap" }}>
                        {timeIn(s.startAt, zone)}–{timeIn(s.endAt, zone)}
                      </Table.Td>
                      <Table.Td fw={600}>{s.name}</Table.Td>
                      <Table.Td>{s.instructor.name}</Table.Td>
                      <Table.Td ta="right" data-testid="places">
                        <Text
                          span
                          size="sm"
                          c={
                            status === "cancelled"
                              ? "dimmed"
                              : s.enrolled >= s.capacity
                                ? "orange.8"
                                : undefined
                          }
                        >
                          {s.enrolled}/{s.capacity}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Badge color={STATUS_COLOR[status]} variant="light">
                          {status}
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
            load();
          }}
        />
      )}
    </Stack>
  );
}
