// New appointment (A1–A3): pick the customer (the first field, focused on opening); the Available
// Packages panel shows every active package with its items, what is left, expiry and circles. "Use"
// (or a green circle) adds the service at 0 with a Package badge; saving reserves the credit and the
// counter moves at once. The date, time and who it is with start where the calendar suggests.
import "@mantine/dates/styles.css";
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
} from "@mantine/core";
import { DatePickerInput } from "@mantine/dates";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { memo, startTransition, useCallback, useEffect, useImperativeHandle, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Appointment, Item, Line, Package } from "../api/types.js";
import { api, plainWords, soonest } from "../api.js";
import { useMe } from "../auth/session.js";
import { firstDayOfWeek, localDate, localDatePart, money, timeIn } from "../format.js";
import { CustomerField } from "./CustomerField.js";
import { CreditLegend, creditColorVar } from "./legend.js";
import { PackageIcon } from "./PackageIcon.js";
import {
  afterAppointmentChange,
  availablePackagesQuery,
  type StaffMember,
  useAvailablePackages,
} from "./queries.js";
import { type Busy, hhmm, minutesOf } from "./slots.js";
import { instantAt } from "./zoned.js";

interface Chosen {
  itemId: string;
  name: string;
  priceMinor: number;
  minutes: number;
  packageLineId: string | null;
  packageName: string | null;
}

export interface BookingStart {
  /** "YYYY-MM-DD" at the location */
  date: string;
  /** "HH:MM" at the location */
  time: string;
  staffId: string | null;
}

/** How long a chosen customer waits for their packages to be drawn with them (then drawn alone). */
const PANEL_WAIT_MS = 400;

const QUARTERS = Array.from({ length: 96 }, (_, i) => hhmm(i * 15));

interface BookingProps {
  /** in the order "With" offers them: who does the services first */
  staff: StaffMember[];
  items: Item[];
  busy: Busy[];
  onBooked: (a: Appointment) => void;
}

/** How the calendar opens the booking modal: where the new appointment starts. */
export interface BookingOpener {
  open(start: BookingStart): void;
}

/**
 * The booking modal, drawn once in the background as soon as the calendar is on screen and kept
 * (hidden) between bookings: "New appointment" only shows it and says where the appointment starts,
 * so that it opens at once on a phone too (U3). Until then it is drawn for `likely`, where the
 * calendar would suggest a new appointment, so that opening it most often changes nothing inside.
 * Its state is the calendar's no longer: opening it does not draw the calendar again.
 */
export function BookingModal({
  ref,
  likely,
  ...props
}: BookingProps & { ref: React.Ref<BookingOpener>; likely: BookingStart }) {
  const { t } = useTranslation("calendar");
  // read at once, not after a first render as a desktop modal that a second one makes full-screen
  const phone = useMediaQuery("(max-width: 36em)", undefined, { getInitialValueInEffect: false });
  const [opened, setOpened] = useState<BookingStart | null>(null);
  const [openings, setOpenings] = useState(0);
  const [drawn, setDrawn] = useState(false);
  useImperativeHandle(ref, () => ({
    open: (start: BookingStart) => {
      setOpened(start);
      setOpenings((n) => n + 1);
    },
  }));
  useEffect(() => soonAfter(() => setDrawn(true)), []);
  if (!drawn && !opened) return null;
  const start = opened ?? likely;
  const close = () => setOpened(null);
  return (
    <Modal
      opened={opened !== null}
      // Kept in the page while closed, effects and all (hidden, not unmounted as an Activity).
      keepMounted
      keepMountedMode="display-none"
      // The page behind keeps its scroll bar: locking it changed the calendar's width, which drew
      // the whole calendar again at each opening.
      lockScroll={false}
      onClose={close}
      title={t("booking.title")}
      size="xl"
      fullScreen={phone}
      closeButtonProps={{ "aria-label": t("booking.close") }}
    >
      {/* The form keeps its own state: choosing a customer draws the form again, not the modal. */}
      <BookingForm
        {...props}
        start={start}
        // a new appointment at each opening; while closed, ready for where the next one likely starts
        startKey={
          opened ? `opening ${openings}` : `likely ${start.date} ${start.time} ${start.staffId ?? ""}`
        }
        onClose={close}
        onBooked={(a) => {
          close();
          props.onBooked(a);
        }}
      />
    </Modal>
  );
}

/**
 * Runs `work` a moment after the calendar is drawn, as a transition: React draws the hidden modal
 * in slices between the browser's other work, so that it never holds up a click or a scroll.
 */
function soonAfter(work: () => void): () => void {
  const id = setTimeout(() => startTransition(work), 300);
  return () => clearTimeout(id);
}

function BookingForm({
  start,
  startKey,
  staff,
  items,
  busy,
  onClose,
  onBooked,
}: BookingProps & { start: BookingStart; startKey: string; onClose: () => void }) {
  const { t } = useTranslation("calendar");
  const me = useMe();
  const zone = me.location.timeZone;
  const currency = me.location.currency;
  // The location's clock; its zone is named only when the browser's clock is another.
  const sameZone = Intl.DateTimeFormat().resolvedOptions().timeZone === zone;
  const client = useQueryClient();
  const [customer, setCustomer] = useState<{ id: string; name: string } | null>(null);
  const packages = useAvailablePackages(customer?.id ?? null);
  const [chosen, setChosen] = useState<Chosen[]>([]);
  const [who, setWho] = useState<string | null>(start.staffId ?? staff[0]?.id ?? null);
  const [date, setDate] = useState(start.date);
  const [time, setTime] = useState(start.time);
  const [allowOverlap, setAllowOverlap] = useState(false);
  // Each opening starts a new appointment where the calendar says (the form stays drawn between):
  // what already is so is left alone, so that an opening where the form was ready draws little.
  const [startedFor, setStartedFor] = useState(startKey);
  if (startedFor !== startKey) {
    setStartedFor(startKey);
    setCustomer(null);
    setChosen((c) => (c.length === 0 ? c : []));
    setWho(start.staffId ?? staff[0]?.id ?? null);
    setDate(start.date);
    setTime(start.time);
    setAllowOverlap(false);
  }

  const services = useMemo(
    () => items.filter((i) => i.kind === "service" && i.prices[currency] !== undefined),
    [items, currency],
  );
  const addPaid = useCallback(
    (s: Item) =>
      setChosen((c) => [
        ...c,
        {
          itemId: s.id,
          name: s.name,
          priceMinor: s.prices[currency]!,
          minutes: s.durationMinutes ?? 30,
          packageLineId: null,
          packageName: null,
        },
      ]),
    [currency],
  );
  const minutesOfItem = (itemId: string) => items.find((i) => i.id === itemId)?.durationMinutes ?? 30;
  const pending = (lineId: string) => chosen.filter((c) => c.packageLineId === lineId).length;
  const use = (p: Package, l: Line) =>
    setChosen((c) => [
      ...c,
      {
        itemId: l.itemId,
        name: l.itemName,
        priceMinor: 0,
        minutes: minutesOfItem(l.itemId),
        packageLineId: l.id,
        packageName: p.name,
      },
    ]);

  // A wall-clock time is said the same on any day: formatted as such, without working out 96
  // instants in the location's zone each time the date changes.
  const times = useMemo(() => {
    const all = QUARTERS.includes(start.time) ? QUARTERS : [...QUARTERS, start.time].sort();
    return all.map((value) => ({ value, label: timeIn(`2000-01-03T${value}:00Z`, "UTC") }));
  }, [start.time]);

  // A hint before saving that the member is taken then (the server refuses unless overlap is allowed).
  const minutes = chosen.reduce((sum, c) => sum + c.minutes, 0) || 30;
  const from = minutesOf(time);
  const clash = busy.some(
    (b) => b.staffId === who && b.date === date && b.start < from + minutes && from < b.end,
  );

  const book = useMutation({
    mutationFn: () =>
      api.post<Appointment>("/api/v1/appointments", {
        customerId: customer!.id,
        staffId: who,
        startAt: instantAt(date, time, zone),
        services: chosen.map((c) =>
          c.packageLineId ? { itemId: c.itemId, packageLineId: c.packageLineId } : { itemId: c.itemId },
        ),
        allowOverlap,
      }),
    onSuccess: (a) => {
      afterAppointmentChange(client, a.customer.id);
      notifications.show({
        color: "green",
        message: t(a.fromPackage ? "booking.bookedFromPackage" : "booking.booked", { name: a.customer.name }),
      });
      onBooked(a);
    },
  });

  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
      <Stack>
        <CustomerField
          value={customer}
          onChange={async (c) => {
            // The customer and their packages are drawn together, once: most often the packages
            // are here already (asked for when the customer was found or pointed at), drawn with
            // the choice; else waited for a moment at most (U3).
            const ahead = c && client.getQueryData(availablePackagesQuery(c.id).queryKey);
            if (c && !ahead) await soonest(client.prefetchQuery(availablePackagesQuery(c.id)), PANEL_WAIT_MS);
            setCustomer(c);
            setChosen([]);
          }}
          onIntent={(id) => void client.prefetchQuery(availablePackagesQuery(id))}
        />
        <Group justify="space-between" align="baseline">
          <Text fw={600}>{t("panel.title")}</Text>
          <CreditLegend />
        </Group>
        {!customer && (
          <Text size="sm" c="dimmed">
            {t("panel.pickCustomer")}
          </Text>
        )}
        {packages.error && <Alert color="red">{plainWords(packages.error)}</Alert>}
        {customer && packages.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("panel.none")}
          </Text>
        )}
        {customer &&
          packages.data?.map((p) => (
            <PanelPackage key={p.id} pkg={p} pending={pending} onUse={(l) => use(p, l)} />
          ))}
      </Stack>
      <Stack>
        {book.error && <Alert color="red">{plainWords(book.error)}</Alert>}
        <BookingWhen
          date={date}
          onDate={setDate}
          time={time}
          onTime={setTime}
          times={times}
          timeLabel={sameZone ? t("booking.time") : t("booking.timeIn", { zone })}
          who={who}
          onWho={setWho}
          staff={staff}
          services={services}
          currency={currency}
          onAddPaid={addPaid}
        />
        <Text fw={600}>{t("booking.services")}</Text>
        {chosen.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("booking.nothingYet")}
          </Text>
        )}
        {chosen.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the same service may be booked twice
          <Group key={i} justify="space-between" wrap="nowrap" data-testid="chosen-service">
            <Group gap={6}>
              <Text size="sm">{c.name}</Text>
              {c.packageLineId && (
                <Badge color="violet" leftSection={<PackageIcon size={12} />}>
                  {t("package")}
                </Badge>
              )}
            </Group>
            <Group gap={6} wrap="nowrap">
              <Text size="sm">{money(c.priceMinor, currency)}</Text>
              <Button
                size="compact-xs"
                variant="subtle"
                color="red"
                onClick={() => setChosen((all) => all.filter((_, j) => j !== i))}
                aria-label={t("booking.remove", { name: c.name })}
              >
                ×
              </Button>
            </Group>
          </Group>
        ))}
        {clash && (
          <Text size="sm" c="red.8" data-testid="booking-clash">
            {t("booking.clash", { name: staff.find((s) => s.id === who)?.name ?? "" })}
          </Text>
        )}
        <Switch
          label={t("booking.allowOverlap")}
          checked={allowOverlap}
          onChange={(e) => setAllowOverlap(e.currentTarget.checked)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("booking.cancel")}
          </Button>
          <Button
            onClick={() => book.mutate()}
            loading={book.isPending}
            disabled={!customer || !who || chosen.length === 0}
          >
            {t("booking.save")}
          </Button>
        </Group>
      </Stack>
    </SimpleGrid>
  );
}

/**
 * When, with whom, and services paid for: drawn again only when one of them changes, not each time
 * a customer is chosen or a service added (the date picker and three selects are most of the modal).
 */
const BookingWhen = memo(function BookingWhen({
  date,
  onDate,
  time,
  onTime,
  times,
  timeLabel,
  who,
  onWho,
  staff,
  services,
  currency,
  onAddPaid,
}: {
  date: string;
  onDate: (date: string) => void;
  time: string;
  onTime: (time: string) => void;
  times: Array<{ value: string; label: string }>;
  timeLabel: string;
  who: string | null;
  onWho: (staffId: string | null) => void;
  staff: StaffMember[];
  services: Item[];
  currency: string;
  onAddPaid: (item: Item) => void;
}) {
  const { t } = useTranslation("calendar");
  return (
    <>
      <SimpleGrid cols={2} spacing="sm">
        <DatePickerInput
          label={t("booking.date")}
          value={date}
          onChange={(d) => d && onDate(d)}
          valueFormatter={({ date: d }) => (typeof d === "string" ? localDate(d) : "")}
          maxLevel="month"
          firstDayOfWeek={(firstDayOfWeek() % 7) as 0 | 1 | 2 | 3 | 4 | 5 | 6}
          monthLabelFormat={(d) => localDatePart(d, "monthYear")}
          weekdayFormat={(d) => localDatePart(d, "weekday")}
          getDayAriaLabel={(d) => localDate(d)}
          ariaLabels={{ nextMonth: t("booking.nextMonth"), previousMonth: t("booking.previousMonth") }}
          popoverProps={{ withinPortal: true }}
          data-testid="booking-date"
        />
        <Select
          label={timeLabel}
          data={times}
          value={time}
          onChange={(v) => v && onTime(v)}
          searchable
          allowDeselect={false}
          maxDropdownHeight={240}
          data-testid="booking-time"
        />
      </SimpleGrid>
      <Select
        label={t("booking.with")}
        data={staff.map((s) => ({ value: s.id, label: s.name }))}
        value={who}
        onChange={onWho}
        allowDeselect={false}
        data-testid="booking-with"
      />
      <Select
        label={t("booking.addPaid")}
        placeholder={t("booking.chooseService")}
        searchable
        data={services.map((s) => ({
          value: s.id,
          label: `${s.name} · ${money(s.prices[currency]!, currency)}`,
        }))}
        value={null}
        onChange={(id) => {
          const s = services.find((x) => x.id === id);
          if (s) onAddPaid(s);
        }}
      />
    </>
  );
});

/** One package of the panel: per line what is left in words, its circles, and "Use" for a service. */
function PanelPackage({
  pkg: p,
  pending,
  onUse,
}: {
  pkg: Package;
  pending: (lineId: string) => number;
  onUse: (l: Line) => void;
}) {
  const { t } = useTranslation("calendar");
  return (
    // Plain elements in the panel's own classes (calendar.css) but for the card and its buttons: the
    // panel is drawn the moment a customer is chosen (U3).
    <Card withBorder p="sm" data-testid="available-package">
      <div className="panel-head">
        <span className="panel-name">{p.name}</span>
        <span className="panel-expiry">
          {p.expiresOn ? t("panel.until", { date: localDate(p.expiresOn) }) : t("panel.noExpiry")}
        </span>
      </div>
      {p.lines.map((l) => {
        const mine = pending(l.id);
        const left = l.remaining - mine;
        const service = l.itemKind === "service";
        return (
          <div key={l.id} className="panel-line" data-testid="panel-line">
            <div className="panel-line-head">
              <span>
                {l.unlimited
                  ? t("panel.lineUnlimited", { name: l.itemName })
                  : t("panel.line", { name: l.itemName, left, total: l.total })}
              </span>
              {service && (
                <Button
                  size="compact-xs"
                  disabled={left <= 0}
                  onClick={() => onUse(l)}
                  aria-label={t("panel.useLabel", { name: l.itemName, package: p.name })}
                >
                  {t("panel.use")}
                </Button>
              )}
            </div>
            {!l.unlimited && l.total <= 30 && (
              <div className="credit-dots">
                {Array.from({ length: l.total }, (_, i) => {
                  const state = i < l.used ? "used" : i < l.used + l.booked + mine ? "booked" : "free";
                  const color = creditColorVar(state);
                  // Plain elements and the browser's own tooltip: a package of 10 credits is 10 of
                  // these, and the panel shows the moment the customer is chosen (U3).
                  return state === "free" && service ? (
                    <button
                      // biome-ignore lint/suspicious/noArrayIndexKey: a credit is its position on the line
                      key={i}
                      type="button"
                      className="credit-dot"
                      style={{ background: color }}
                      data-credit={state}
                      title={t("panel.bookFromCredit")}
                      aria-label={t("panel.bookFromCreditLabel", { name: l.itemName })}
                      onClick={() => onUse(l)}
                    />
                  ) : (
                    <span
                      // biome-ignore lint/suspicious/noArrayIndexKey: a credit is its position on the line
                      key={i}
                      className="credit-dot"
                      style={{ background: color }}
                      data-credit={state}
                      aria-hidden
                    />
                  );
                })}
              </div>
            )}
          </div>
        );
      })}
    </Card>
  );
}
