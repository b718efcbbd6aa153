// The calendar of one location: day and week views, a column per staff member, drag to reschedule
// (A11), click a slot to book (A1–A3), click an appointment for its details and actions (A4–A9).
// Times and headings read as the location reads them (U1); on a phone the columns scroll sideways,
// and a hint says so (U3); cancelled appointments stay, struck through, unless hidden.
import "react-big-calendar/lib/css/react-big-calendar.css";
import "react-big-calendar/lib/addons/dragAndDrop/styles.css";
import "./calendar.css";
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  Title,
} from "@mantine/core";
import { useElementSize } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useRef, useState } from "react";
import { Calendar, type View, Views } from "react-big-calendar";
import dragAndDropModule, { type EventInteractionArgs } from "react-big-calendar/lib/addons/dragAndDrop";
import { useTranslation } from "react-i18next";
import type { Appointment } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { currentFormatLocale, dayHeadingIn, dayRangeIn, firstDayOfWeek } from "../format.js";
import { AppointmentDrawer } from "./AppointmentDrawer.js";
import { BookingModal, type BookingOpener, type BookingStart } from "./BookingModal.js";
import { calendarFormats, localizerFor } from "./calendar-format.js";
import { CalendarLegend, STATUS_COLOR } from "./legend.js";
import { PackageIcon } from "./PackageIcon.js";
import {
  afterAppointmentChange,
  putAppointment,
  type StaffMember,
  useAppointments,
  useItems,
  useOpeningHours,
  useStaffHours,
  useStaffList,
} from "./queries.js";
import { type Busy, hhmm, openingOn, staffFor, suggestSlot, tierOf, type WeeklyHours } from "./slots.js";
import { fromWall, nowIn, todayIn, toWall, wallDate, wallMinute } from "./zoned.js";

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

/** Narrower than this, a column is hard to read and tap: the calendar scrolls sideways instead. */
const COLUMN_MIN_PX = { day: 130, week: 96 };
const GUTTER_PX = 64;

const addDays = (d: Date, days: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + days);

/** The days a view shows: one, or the week the location's way (starting Monday in Budapest). */
function shownDays(date: Date, view: View): { first: Date; last: Date } {
  const day = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  if (view !== Views.WEEK) return { first: day, last: day };
  const first = addDays(day, -((day.getDay() - (firstDayOfWeek() % 7) + 7) % 7));
  return { first, last: addDays(first, 6) };
}

/** Appointments that keep their staff member busy, per local day, for suggesting a free slot. */
function busyOf(appointments: Appointment[], zone: string): Busy[] {
  return appointments
    .filter((a) => a.status === "booked" || a.status === "checked_in")
    .map((a) => {
      const start = toWall(a.startAt, zone);
      const end = toWall(a.endAt, zone);
      const date = wallDate(start);
      return {
        staffId: a.staff.id,
        date,
        start: wallMinute(start),
        end: wallDate(end) === date ? wallMinute(end) : 1440,
      };
    });
}

/** An hour either side of the opening hours of the days shown, and every appointment shown. */
function shownHours(first: Date, last: Date, opening: WeeklyHours[] | null, events: CalendarEvent[]) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (let d = first; d <= last; d = addDays(d, 1))
    for (const i of openingOn(opening, wallDate(d))) {
      lo = Math.min(lo, i.start - 60);
      hi = Math.max(hi, i.end + 60);
    }
  for (const e of events) {
    if (e.start < first || e.start >= addDays(last, 1)) continue;
    lo = Math.min(lo, wallMinute(e.start));
    hi = Math.max(hi, wallDate(e.end) === wallDate(e.start) ? wallMinute(e.end) : 1440);
  }
  if (!Number.isFinite(lo)) [lo, hi] = [8 * 60, 20 * 60];
  lo = Math.max(0, Math.floor(lo / 60) * 60);
  hi = Math.min(1439, Math.ceil(hi / 60) * 60);
  return {
    min: new Date(1970, 0, 1, Math.floor(lo / 60), lo % 60),
    max: new Date(1970, 0, 1, Math.floor(hi / 60), hi % 60),
  };
}

export function CalendarPage() {
  const { t } = useTranslation("calendar");
  const me = useMe();
  const { can } = useSession();
  const client = useQueryClient();
  const zone = me.location.timeZone;
  const mayBook = can("redeem");
  const [date, setDate] = useState<Date>(() => todayIn(zone));
  const [view, setView] = useState<View>(Views.DAY);
  const [only, setOnly] = useState<string | null>(null);
  const [showCancelled, setShowCancelled] = useState(true);
  const booking = useRef<BookingOpener>(null);
  const setBooking = (start: BookingStart) => booking.current?.open(start);
  const [selected, setSelected] = useState<Appointment | null>(null);
  const { ref: frame, width: frameWidth } = useElementSize();

  const staffList = useStaffList();
  const staff = useMemo(
    () =>
      [...(staffList.data ?? [])].sort(
        (a, b) => tierOf(a.role) - tierOf(b.role) || a.name.localeCompare(b.name, currentFormatLocale()),
      ),
    [staffList.data],
  );
  const columns = useMemo(
    () => (staffList.data ?? []).filter((s) => only === null || s.id === only),
    [staffList.data, only],
  );
  const items = useItems();
  const opening = useOpeningHours(me.location.id);
  const staffHours = useStaffHours(staff, me.location.id);

  const { first, last } = shownDays(date, view);
  const from = fromWall(addDays(first, -1), zone);
  const to = fromWall(addDays(last, 2), zone);
  const appointments = useAppointments(me.location.id, from, to);
  const all = appointments.data ?? [];
  const busy = useMemo(() => busyOf(all, zone), [all, zone]);

  const events: CalendarEvent[] = all
    .filter((a) => showCancelled || a.status !== "cancelled")
    .map((a) => ({
      id: a.id,
      title: `${a.customer.name} · ${a.services.map((s) => s.name).join(", ")}`,
      start: toWall(a.startAt, zone),
      end: toWall(a.endAt, zone),
      resourceId: a.staff.id,
      appointment: a,
    }));

  // The hours shown: an hour either side of the opening hours, and every appointment of the view.
  const { min, max } = shownHours(first, last, opening.data ?? null, events);

  const localizer = localizerFor(firstDayOfWeek());
  const locale = currentFormatLocale();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the formats follow the locale the session sets
  const formats = useMemo(() => calendarFormats(zone), [zone, locale]);

  const hours = (members: StaffMember[]) =>
    (staffHours ?? staff.map((s) => ({ id: s.id, role: s.role, hours: null }))).filter((h) =>
      members.some((m) => m.id === h.id),
    );

  /** Where a new appointment starts: the next free slot of the day shown, else its opening. */
  function suggestedStart(): BookingStart {
    const shown = wallDate(date);
    const slot = suggestSlot({
      date: shown,
      now: nowIn(zone),
      opening: opening.data ?? null,
      staff: hours(only ? staff.filter((s) => s.id === only) : staff),
      busy,
    });
    const openAt = openingOn(opening.data ?? null, shown)[0]?.start ?? 9 * 60;
    return slot
      ? { date: slot.date, time: hhmm(slot.minute), staffId: slot.staffId }
      : {
          date: shown,
          time: hhmm(openAt),
          staffId: only ?? staffFor(hours(staff), opening.data ?? null, busy, shown, openAt),
        };
  }
  // biome-ignore lint/correctness/useExhaustiveDependencies: what the suggestion reads
  const likely = useMemo(suggestedStart, [date, zone, opening.data, staffHours, staff, only, busy]);

  const move = useMutation({
    mutationFn: ({ event, start, end, resourceId }: EventInteractionArgs<CalendarEvent>) =>
      api.patch<Appointment>(`/api/v1/appointments/${event.id}`, {
        startAt: fromWall(new Date(start), zone),
        endAt: fromWall(new Date(end), zone),
        ...(resourceId ? { staffId: String(resourceId) } : {}),
      }),
    onSuccess: (a) => {
      putAppointment(client, a);
      notifications.show({ message: a.fromPackage ? t("moved.package") : t("moved.paid") });
    },
    onError: (e) => notifications.show({ color: "red", title: t("moved.failed"), message: plainWords(e) }),
    onSettled: (_a, _e, v) => afterAppointmentChange(client, v.event.appointment.customer.id),
  });

  const dayView = view === Views.DAY;
  const needed = GUTTER_PX + (dayView ? columns.length * COLUMN_MIN_PX.day : 7 * COLUMN_MIN_PX.week);
  const scrolls = frameWidth > 0 && needed > frameWidth;
  const label = dayView
    ? dayHeadingIn(fromWall(first, zone), zone)
    : dayRangeIn(fromWall(first, zone), fromWall(last, zone), zone);
  const shownAppointment = selected && (all.find((a) => a.id === selected.id) ?? selected);

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2}>{t("title", { location: me.location.name })}</Title>
        {mayBook && <Button onClick={() => setBooking(suggestedStart())}>{t("newAppointment")}</Button>}
      </Group>
      <Group justify="space-between" gap="xs" data-testid="calendar-toolbar">
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" size="xs" onClick={() => setDate(todayIn(zone))}>
            {t("toolbar.today")}
          </Button>
          <ActionIcon
            variant="default"
            aria-label={dayView ? t("toolbar.previousDay") : t("toolbar.previousWeek")}
            onClick={() => setDate((d) => addDays(d, dayView ? -1 : -7))}
          >
            ‹
          </ActionIcon>
          <ActionIcon
            variant="default"
            aria-label={dayView ? t("toolbar.nextDay") : t("toolbar.nextWeek")}
            onClick={() => setDate((d) => addDays(d, dayView ? 1 : 7))}
          >
            ›
          </ActionIcon>
          <Text fw={600} data-testid="calendar-label">
            {label}
          </Text>
        </Group>
        <Group gap="xs">
          <SegmentedControl
            size="xs"
            value={view}
            onChange={(v) => setView(v as View)}
            data={[
              { value: Views.DAY, label: t("toolbar.day") },
              { value: Views.WEEK, label: t("toolbar.week") },
            ]}
          />
          {dayView && (
            <Select
              size="xs"
              w={170}
              aria-label={t("toolbar.staff")}
              data={[
                { value: "", label: t("toolbar.everyone") },
                ...(staffList.data ?? []).map((s) => ({ value: s.id, label: s.name })),
              ]}
              value={only ?? ""}
              onChange={(v) => setOnly(v ? v : null)}
              allowDeselect={false}
            />
          )}
          <Switch
            size="xs"
            label={t("toolbar.showCancelled")}
            checked={showCancelled}
            onChange={(e) => setShowCancelled(e.currentTarget.checked)}
          />
        </Group>
      </Group>
      <CalendarLegend />
      {appointments.error && <Alert color="red">{plainWords(appointments.error)}</Alert>}
      {scrolls && (
        <Text size="sm" c="violet.8" fw={600} data-testid="calendar-scroll-hint">
          {dayView ? t("scrollHint.staff", { count: columns.length }) : t("scrollHint.week")} →
        </Text>
      )}
      <div
        ref={frame}
        style={{ overflowX: "auto", overscrollBehaviorX: "contain" }}
        data-testid="calendar-frame"
      >
        <div
          // Columns too many to fit scroll sideways inside the calendar, under the hours that stay
          // on the left (calendar.css).
          style={
            {
              height: "calc(100vh - 240px)",
              minHeight: 560,
              "--carnet-column-min": `${dayView ? COLUMN_MIN_PX.day : COLUMN_MIN_PX.week}px`,
            } as React.CSSProperties
          }
          data-testid="calendar"
          className="carnet-calendar"
        >
          <DnDCalendar
            localizer={localizer}
            formats={formats}
            toolbar={false}
            events={events}
            date={date}
            view={view}
            views={[Views.DAY, Views.WEEK]}
            onNavigate={setDate}
            onView={setView}
            step={15}
            timeslots={4}
            min={min}
            max={max}
            scrollToTime={min}
            resources={dayView ? columns.map((s) => ({ id: s.id, title: s.name })) : undefined}
            resourceIdAccessor="id"
            resourceTitleAccessor="title"
            selectable={mayBook}
            onSelectSlot={(s) => {
              const start = s.start as Date;
              const day = wallDate(start);
              const minute = wallMinute(start);
              setBooking({
                date: day,
                time: hhmm(minute),
                staffId:
                  (s.resourceId as string | undefined) ??
                  staffFor(hours(staff), opening.data ?? null, busy, day, minute),
              });
            }}
            onSelectEvent={(e) => setSelected(e.appointment)}
            onEventDrop={(args) => move.mutate(args)}
            onEventResize={(args) => move.mutate(args)}
            resizable={mayBook}
            draggableAccessor={(e) =>
              mayBook && (e.appointment.status === "booked" || e.appointment.status === "checked_in")
            }
            eventPropGetter={(e) => ({
              className: e.appointment.status === "cancelled" ? "carnet-cancelled" : undefined,
              style: {
                background: STATUS_COLOR[e.appointment.status],
                borderColor: "transparent",
                opacity: e.appointment.status === "cancelled" ? 0.75 : 1,
              },
            })}
            components={{
              event: ({ event }) => (
                <Group
                  gap={4}
                  wrap="nowrap"
                  data-testid="calendar-event"
                  data-package={event.appointment.fromPackage}
                  data-status={event.appointment.status}
                  data-appointment={event.id}
                >
                  {event.appointment.fromPackage && <PackageIcon size={16} onColor />}
                  <Text
                    size="xs"
                    c="white"
                    truncate
                    td={event.appointment.status === "cancelled" ? "line-through" : undefined}
                  >
                    {event.appointment.status === "cancelled"
                      ? t("cancelledTitle", { title: event.title })
                      : event.title}
                  </Text>
                </Group>
              ),
              resourceHeader: ({ label: name }) => <span data-testid="staff-column">{name}</span>,
            }}
          />
        </div>
      </div>
      <BookingModal
        ref={booking}
        likely={likely}
        staff={staff}
        items={items.data ?? []}
        busy={busy}
        onBooked={(a) => setDate(toWall(a.startAt, zone))}
      />
      {shownAppointment && (
        <AppointmentDrawer
          appointment={shownAppointment}
          onClose={() => setSelected(null)}
          onChanged={setSelected}
        />
      )}
    </Stack>
  );
}
