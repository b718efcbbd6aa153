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
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Temporal } from "temporal-polyfill";
import { api } from "../api.js";
import { useMe } from "../auth/session.js";
import { numberInputSeparators } from "../number-input.js";
import { type StaffMember, useClassTypes } from "./class-queries.js";
import { type ClassSession, useClassWords } from "./class-types.js";

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
  const { t } = useTranslation("classes");
  const me = useMe();
  const words = useClassWords();
  const classTypes = useClassTypes().data ?? [];
  const [itemId, setItemId] = useState<string | null>(null);
  const [locationId, setLocationId] = useState(initialLocation);
  const [instructorId, setInstructorId] = useState<string | null>(null);
  const [date, setDate] = useState(defaultDate);
  const [start, setStart] = useState("18:00");
  const [end, setEnd] = useState("19:00");
  const [capacity, setCapacity] = useState<number | string>(10);
  const [missing, setMissing] = useState(false);
  const zone = me.locations.find((l) => l.id === locationId)?.timeZone ?? me.location.timeZone;
  const schedule = useMutation({
    mutationFn: (body: unknown) => api.post<ClassSession>("/api/v1/class-sessions", body),
    onSuccess: (created) => {
      notifications.show({ color: "green", message: t("scheduleModal.done", { name: created.name }) });
      onScheduled(created);
    },
  });
  const error = missing
    ? t("scheduleModal.chooseTypeAndInstructor")
    : schedule.error
      ? words(schedule.error)
      : null;

  function chooseType(id: string | null) {
    setItemId(id);
    const minutes = classTypes.find((c) => c.id === id)?.durationMinutes;
    if (minutes && /^\d\d:\d\d$/.test(start))
      setEnd(Temporal.PlainTime.from(start).add({ minutes }).toString({ smallestUnit: "minute" }));
  }

  const instant = (time: string) =>
    Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(zone).toInstant().toString();

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setMissing(!itemId || !instructorId);
    if (!itemId || !instructorId) return;
    schedule.mutate({
      itemId,
      locationId,
      instructorId,
      startAt: instant(start),
      endAt: instant(end),
      capacity: Number(capacity),
    });
  }

  return (
    <Modal
      opened
      onClose={onClose}
      title={t("scheduleModal.title")}
      size="lg"
      closeButtonProps={{ "aria-label": t("close") }}
    >
      <form onSubmit={submit}>
        <Stack>
          {error && <Alert color="red">{error}</Alert>}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label={t("scheduleModal.classType")}
              required
              data={classTypes.map((c) => ({ value: c.id, label: c.name }))}
              value={itemId}
              onChange={chooseType}
              nothingFoundMessage={t("scheduleModal.noClassTypes")}
            />
            <Select
              label={t("schedule.location")}
              required
              data={me.locations.map((l) => ({ value: l.id, label: l.name }))}
              value={locationId}
              onChange={(v) => v && setLocationId(v)}
              allowDeselect={false}
            />
            <Select
              label={t("schedule.instructor")}
              required
              data={staff.map((s) => ({ value: s.id, label: s.name }))}
              value={instructorId}
              onChange={setInstructorId}
            />
            <NumberInput
              {...numberInputSeparators()}
              label={t("scheduleModal.capacity")}
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
              label={t("schedule.date")}
              required
              value={date}
              onChange={(e) => setDate(e.currentTarget.value)}
            />
            <TextInput
              type="time"
              label={t("scheduleModal.start")}
              required
              value={start}
              onChange={(e) => setStart(e.currentTarget.value)}
            />
            <TextInput
              type="time"
              label={t("scheduleModal.end")}
              required
              value={end}
              onChange={(e) => setEnd(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Text size="sm" c="dimmed">
            {t("scheduleModal.clock", { zone })}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("close")}
            </Button>
            <Button type="submit" loading={schedule.isPending}>
              {t("scheduleModal.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
