// The calendar of one location: day and week views, a column per staff member, drag to reschedule
// (A11), click a slot to book (A1–A3), click an appointment for its details and actions (A4–A9).
import "react-big-calendar/lib/css/react-big-calendar.css";
import "react-big-calendar/lib/addons/dragAndDrop/styles.css";
import { Alert, Badge, Button, Drawer, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import dayjs from "dayjs";
import { useCallback, useEffect, useMemo, useState } from "react";
import { Calendar, dayjsLocalizer, type View, Views } from "react-big-calendar";
import dragAndDropModule, { type EventInteractionArgs } from "react-big-calendar/lib/addons/dragAndDrop";
import { useNavigate } from "react-router";
import { api, plainWords, query } from "../api.js";
import { useMe } from "../auth/session.js";
import { dateTimeIn, money } from "../format.js";
import type { Appointment, Item } from "../types.js";
import { BookingModal } from "./BookingModal.js";
import { PackageIcon } from "./PackageIcon.js";
import { fromWall, newAppointmentStart, todayIn, toWall } from "./zoned.js";

const localizer = dayjsLocalizer(dayjs);

interface CalendarEvent {
  id: string;
  title: string;
  start: Date;
  end: Date;
  resourceId: string;
  appointment: Appointment;
}

// The add-on ships as CommonJS only; its default export arrives wrapped once more when bundled.
const withDragAndDrop = ((dragAndDropModule as unknown as { default?: typeof dragAndDropModule }).default ??
  dragAndDropModule) as typeof dragAndDropModule;
const DnDCalendar = withDragAndDrop<CalendarEvent, { id: string; title: string }>(Calendar);

const STATUS_COLOR: Record<string, string> = {
  booked: "#7048e8",
  checked_in: "#1c7ed6",
  completed: "#2f9e44",
  no_show: "#e8590c",
  cancelled: "#868e96",
};

export function CalendarPage() {
  const me = useMe();
  const zone = me.location.timeZone;
  const [date, setDate] = useState<Date>(() => todayIn(zone));
  const [view, setView] = useState<View>(Views.DAY);
  const [appointments, setAppointments] = useState<Appointment[]>([]);
  const [staff, setStaff] = useState<Array<{ id: string; name: string }>>([]);
  const [items, setItems] = useState<Item[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [slot, setSlot] = useState<{ start: Date; staffId: string | null } | null>(null);
  const [selected, setSelected] = useState<Appointment | null>(null);

  useEffect(() => {
    api.get<Array<{ id: string; name: string; active: boolean }>>("/api/v1/staff").then(
      (rows) => setStaff(rows.filter((s) => s.active)),
      () => {},
    );
    api.get<Item[]>("/api/v1/items").then(setItems, () => {});
  }, []);

  const range = useMemo(() => {
    const from = dayjs(date)
      .startOf(view === Views.DAY ? "day" : "week")
      .subtract(1, "day")
      .toDate();
    const to = dayjs(date)
      .endOf(view === Views.DAY ? "day" : "week")
      .add(1, "day")
      .toDate();
    return { from: fromWall(from, zone), to: fromWall(to, zone) };
  }, [date, view, zone]);

  const load = useCallback(() => {
    api.get<Appointment[]>(`/api/v1/appointments${query({ ...range, locationId: me.location.id })}`).then(
      (rows) => {
        setAppointments(rows.filter((a) => a.status !== "cancelled"));
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, [range, me.location.id]);
  useEffect(load, [load]);

  const events: CalendarEvent[] = appointments.map((a) => ({
    id: a.id,
    title: `${a.customer.name} · ${a.services.map((s) => s.name).join(", ")}`,
    start: toWall(a.startAt, zone),
    end: toWall(a.endAt, zone),
    resourceId: a.staff.id,
    appointment: a,
  }));

  async function move({ event, start, end, resourceId }: EventInteractionArgs<CalendarEvent>) {
    try {
      await api.patch(`/api/v1/appointments/${event.id}`, {
        startAt: fromWall(new Date(start), zone),
        endAt: fromWall(new Date(end), zone),
        ...(resourceId ? { staffId: String(resourceId) } : {}),
      });
      notifications.show({ message: "Appointment moved; its package credit stays booked." });
    } catch (e) {
      notifications.show({ color: "red", title: "Not moved", message: plainWords(e) });
    }
    load();
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Calendar · {me.location.name}</Title>
        <Button onClick={() => setSlot({ start: newAppointmentStart(date, zone), staffId: null })}>
          New appointment
        </Button>
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      <div style={{ height: "calc(100vh - 180px)", minHeight: 560 }} data-testid="calendar">
        <DnDCalendar
          localizer={localizer}
          events={events}
          date={date}
          view={view}
          views={[Views.DAY, Views.WEEK]}
          onNavigate={setDate}
          onView={setView}
          step={15}
          timeslots={4}
          min={new Date(1970, 0, 1, 8, 0)}
          max={new Date(1970, 0, 1, 20, 0)}
          scrollToTime={new Date(1970, 0, 1, 9, 0)}
          resources={view === Views.DAY ? staff.map((s) => ({ id: s.id, title: s.name })) : undefined}
          resourceIdAccessor="id"
          resourceTitleAccessor="title"
          selectable
          onSelectSlot={(s) =>
            setSlot({ start: s.start as Date, staffId: (s.resourceId as string | undefined) ?? null })
          }
          onSelectEvent={(e) => setSelected(e.appointment)}
          onEventDrop={move}
          onEventResize={move}
          resizable
          draggableAccessor={(e) =>
            e.appointment.status === "booked" || e.appointment.status === "checked_in"
          }
          eventPropGetter={(e) => ({
            style: { background: STATUS_COLOR[e.appointment.status], borderColor: "transparent" },
          })}
          components={{
            event: ({ event }) => (
              <Group
                gap={4}
                wrap="nowrap"
                data-testid="calendar-event"
                data-package={event.appointment.fromPackage}
              >
                {event.appointment.fromPackage && <PackageIcon size={16} onColor />}
                <Text size="xs" c="white" truncate>
                  {event.title}
                </Text>
              </Group>
            ),
          }}
        />
      </div>
      {slot && (
        <BookingModal
          start={slot.start}
          staffId={slot.staffId}
          staff={staff}
          items={items}
          onClose={() => setSlot(null)}
          onBooked={() => {
            setSlot(null);
            load();
          }}
        />
      )}
      {selected && (
        <AppointmentDrawer
          appointment={selected}
          onClose={() => setSelected(null)}
          onChanged={(a) => {
            setSelected(a);
            load();
          }}
        />
      )}
    </Stack>
  );
}

function AppointmentDrawer({
  appointment: a,
  onClose,
  onChanged,
}: {
  appointment: Appointment;
  onClose: () => void;
  onChanged: (a: Appointment | null) => void;
}) {
  const me = useMe();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [prompt, setPrompt] = useState<null | { message: string; serviceId: string; packageLineId: string }>(
    null,
  );
  const [confirmCancel, setConfirmCancel] = useState(false);
  const open = a.status === "booked" || a.status === "checked_in";
  const base = `/api/v1/appointments/${a.id}`;

  async function act<T>(work: () => Promise<T>, done: (r: T) => void, message?: string) {
    setBusy(true);
    try {
      const r = await work();
      if (message) notifications.show({ color: "green", message });
      done(r);
    } catch (e) {
      notifications.show({ color: "red", message: plainWords(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Drawer opened onClose={onClose} position="right" title={`${a.customer.name}`} size="md">
      <Stack data-testid="appointment-details">
        <Text size="sm">
          {dateTimeIn(a.startAt, me.location.timeZone)} –{" "}
          {dateTimeIn(a.endAt, me.location.timeZone).split(", ").pop()} with {a.staff.name}
        </Text>
        <Group gap="xs">
          <Badge>{a.status.replace("_", "-")}</Badge>
          {a.channel === "online" && <Badge variant="light">online</Badge>}
        </Group>
        {a.services.map((s) => (
          <Group key={s.id} justify="space-between" align="flex-start" data-testid="appointment-service">
            <Stack gap={0}>
              <Group gap={6}>
                <Text fw={600}>{s.name}</Text>
                {s.fromPackage && (
                  <Badge color="violet" leftSection={<PackageIcon size={12} />}>
                    Package
                  </Badge>
                )}
              </Group>
              {s.fromPackage && (
                <Text size="xs" c="violet.8" data-testid="sessions">
                  {s.fromPackage.packageName}: {s.fromPackage.sessions}
                </Text>
              )}
            </Stack>
            <Stack gap={4} align="flex-end">
              <Text>{money(s.priceMinor, me.location.currency)}</Text>
              {open && !a.ticketId && (
                <Button
                  size="compact-xs"
                  variant="subtle"
                  disabled={busy}
                  onClick={() =>
                    act(
                      () =>
                        api.post<Appointment>(
                          `${base}/services/${s.id}/coverage`,
                          s.fromPackage ? { mode: "paying" } : { mode: "package" },
                        ),
                      onChanged,
                    )
                  }
                >
                  {s.fromPackage ? "Charge instead" : "Use package"}
                </Button>
              )}
            </Stack>
          </Group>
        ))}
        {open && (
          <Group gap="xs">
            {a.status === "booked" && (
              <Button
                size="xs"
                loading={busy}
                onClick={() =>
                  act(
                    () =>
                      api.post<{ appointment: Appointment; redeemPrompt: typeof prompt }>(`${base}/check-in`),
                    (r) => {
                      onChanged(r.appointment);
                      setPrompt(r.redeemPrompt);
                    },
                    "Checked in.",
                  )
                }
              >
                Check in
              </Button>
            )}
            <Button
              size="xs"
              variant="default"
              loading={busy}
              onClick={() =>
                act(
                  () => api.post<{ ticketId: string }>(`${base}/checkout`),
                  (r) => navigate(`/tickets/${r.ticketId}`),
                )
              }
            >
              Checkout
            </Button>
            <Button
              size="xs"
              variant="default"
              color="orange"
              loading={busy}
              onClick={() =>
                act(() => api.post<Appointment>(`${base}/no-show`), onChanged, "Marked as no-show.")
              }
            >
              No-show
            </Button>
            <Button size="xs" variant="light" color="red" onClick={() => setConfirmCancel(true)}>
              Cancel appointment
            </Button>
          </Group>
        )}
        {a.ticketId && (
          <Button size="xs" variant="subtle" onClick={() => navigate(`/tickets/${a.ticketId}`)}>
            Open its ticket
          </Button>
        )}
      </Stack>
      <Modal opened={prompt !== null} onClose={() => setPrompt(null)} title="Redeem from package?">
        <Text mb="md">{prompt?.message}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setPrompt(null)}>
            No, it is paid
          </Button>
          <Button
            onClick={() =>
              prompt &&
              act(
                () =>
                  api.post<Appointment>(`${base}/services/${prompt.serviceId}/coverage`, {
                    mode: "package",
                    packageLineId: prompt.packageLineId,
                  }),
                (r) => {
                  setPrompt(null);
                  onChanged(r);
                },
                "Booked from the package.",
              )
            }
          >
            Yes, redeem from the package
          </Button>
        </Group>
      </Modal>
      <Modal opened={confirmCancel} onClose={() => setConfirmCancel(false)} title="Cancel this appointment?">
        <Text mb="md">
          {a.fromPackage ? "The package credit comes back to the customer." : "The appointment is cancelled."}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setConfirmCancel(false)}>
            Keep it
          </Button>
          <Button
            color="red"
            loading={busy}
            onClick={() =>
              act(
                () => api.post<Appointment>(`${base}/cancel`),
                (r) => {
                  setConfirmCancel(false);
                  onChanged(r);
                },
                a.fromPackage ? "Cancelled; the credit is back on the package." : "Cancelled.",
              )
            }
          >
            Cancel appointment
          </Button>
        </Group>
      </Modal>
    </Drawer>
  );
}
