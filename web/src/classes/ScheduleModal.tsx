// Schedule a class session (manager/owner): class type, location, instructor, start and end on the
// location's wall clock, capacity.
import {
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { Temporal } from "temporal-polyfill";
import { api } from "../api.js";
import { useMe } from "../auth/session.js";
import type { Item } from "../types.js";
import type { StaffMember } from "./ClassesPage.js";
import { type ClassSession, classWords } from "./class-types.js";

export function ScheduleModal({
  staff,
  locationId: initialLocation,
  defaultDate,
  onClose,
  onScheduled,
}: {
  staff: StaffMember[];
  locationId: string;
  defaultDate: string;
  onClose: () => void;
  onScheduled: (s: ClassSession) => void;
}) {
  const me = useMe();
  const [classTypes, setClassTypes] = useState<Array<Item & { durationMinutes?: number | null }>>([]);
  const [itemId, setItemId] = useState<string | null>(null);
  const [locationId, setLocationId] = useState(initialLocation);
  const [instructorId, setInstructorId] = useState<string | null>(null);
  const [date, setDate] = useState(defaultDate);
  const [start, setStart] = useState("18:00");
  const [end, setEnd] = useState("19:00");
  const [capacity, setCapacity] = useState<number | string>(10);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const zone = me.locations.find((l) => l.id === locationId)?.timeZone ?? me.location.timeZone;

  useEffect(() => {
    api.get<typeof classTypes>("/api/v1/items?kind=class_type").then(
      (rows) => setClassTypes(rows.filter((i) => i.active)),
      () => {},
    );
  }, []);

  function chooseType(id: string | null) {
    setItemId(id);
    const minutes = classTypes.find((c) => c.id === id)?.durationMinutes;
    if (minutes && /^\d\d:\d\d$/.test(start))
      setEnd(Temporal.PlainTime.from(start).add({ minutes }).toString({ smallestUnit: "minute" }));
  }

  const instant = (time: string) =>
    Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(zone).toInstant().toString();

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!itemId || !instructorId) return setError("Choose a class type and an instructor.");
    setBusy(true);
    try {
      const created = await api.post<ClassSession>("/api/v1/class-sessions", {
        itemId,
        locationId,
        instructorId,
        startAt: instant(start),
        endAt: instant(end),
        capacity: Number(capacity),
      });
      notifications.show({ color: "green", message: `${created.name} scheduled.` });
      onScheduled(created);
    } catch (err) {
      setError(classWords(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened
      onClose={onClose}
      title="Schedule a class"
      size="lg"
      closeButtonProps={{ "aria-label": "Close dialog" }}
    >
      <form onSubmit={submit}>
        <Stack>
          {error && <Alert color="red">{error}</Alert>}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Class type"
              required
              data={classTypes.map((c) => ({ value: c.id, label: c.name }))}
              value={itemId}
              onChange={chooseType}
              nothingFoundMessage="No class types in the catalog"
            />
            <Select
              label="Location"
              required
              data={me.locations.map((l) => ({ value: l.id, label: l.name }))}
              value={locationId}
              onChange={(v) => v && setLocationId(v)}
              allowDeselect={false}
            />
            <Select
              label="Instructor"
              required
              data={staff.map((s) => ({ value: s.id, label: s.name }))}
              value={instructorId}
              onChange={setInstructorId}
            />
            <NumberInput
              label="Capacity"
              required
              min={1}
              max={1000}
              value={capacity}
              onChange={setCapacity}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              type="date"
              label="Date"
              required
              value={date}
              onChange={(e) => setDate(e.currentTarget.value)}
            />
            <TextInput
              type="time"
              label="Start"
              required
              value={start}
              onChange={(e) => setStart(e.currentTarget.value)}
            />
            <TextInput
              type="time"
              label="End"
              required
              value={end}
              onChange={(e) => setEnd(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Text size="sm" c="dimmed">
            Times on the location's clock ({zone}).
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
            <Button type="submit" loading={busy}>
              Schedule
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
