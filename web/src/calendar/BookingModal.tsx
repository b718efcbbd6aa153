// New appointment (A1–A3): pick the customer (the first field, focused on opening); the Available
// Packages panel shows every active package with its items, what is left, expiry and circles. "Use"
// (or a green circle) adds the service at 0 with a Package badge; saving reserves the credit and the
// counter moves at once. The date, time and who it is with start where the calendar suggests.
import "@mantine/dates/styles.css";
import {
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Tooltip,
  UnstyledButton,
} from "@mantine/core";
import { DatePickerInput } from "@mantine/dates";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { firstDayOfWeek, localDate, localDatePart, money, timeIn } from "../format.js";
import type { Appointment, Item, Line, Package } from "../types.js";
import { CustomerField } from "./CustomerField.js";
import { CREDIT_COLOR, CreditLegend } from "./legend.js";
import { PackageIcon } from "./PackageIcon.js";
import { afterAppointmentChange, type StaffMember, useAvailablePackages } from "./queries.js";
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

const QUARTERS = Array.from({ length: 96 }, (_, i) => hhmm(i * 15));

export function BookingModal({
  start,
  staff,
  items,
  busy,
  onClose,
  onBooked,
}: {
  start: BookingStart;
  /** in the order "With" offers them: who does the services first */
  staff: StaffMember[];
  items: Item[];
  busy: Busy[];
  onClose: () => void;
  onBooked: (a: Appointment) => void;
}) {
  const { t } = useTranslation("calendar");
  const me = useMe();
  const zone = me.location.timeZone;
  const currency = me.location.currency;
  const phone = useMediaQuery("(max-width: 36em)");
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

  const services = items.filter((i) => i.kind === "service" && i.prices[currency] !== undefined);
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

  const times = useMemo(() => {
    const all = QUARTERS.includes(start.time) ? QUARTERS : [...QUARTERS, start.time].sort();
    return all.map((value) => ({ value, label: timeIn(instantAt(date, value, zone), zone) }));
  }, [date, zone, start.time]);

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
    <Modal
      opened
      onClose={onClose}
      title={t("booking.title")}
      size="xl"
      fullScreen={phone}
      closeButtonProps={{ "aria-label": t("booking.close") }}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <Stack>
          <CustomerField
            value={customer}
            onChange={(c) => {
              setCustomer(c);
              setChosen([]);
            }}
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
          <SimpleGrid cols={2} spacing="sm">
            <DatePickerInput
              label={t("booking.date")}
              value={date}
              onChange={(d) => d && setDate(d)}
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
              label={sameZone ? t("booking.time") : t("booking.timeIn", { zone })}
              data={times}
              value={time}
              onChange={(v) => v && setTime(v)}
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
            onChange={setWho}
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
              if (s)
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
                ]);
            }}
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
    </Modal>
  );
}

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
    <Card withBorder p="sm" data-testid="available-package">
      <Group justify="space-between" gap={4}>
        <Text fw={600} size="sm">
          {p.name}
        </Text>
        <Text size="xs" c="dimmed">
          {p.expiresOn ? t("panel.until", { date: localDate(p.expiresOn) }) : t("panel.noExpiry")}
        </Text>
      </Group>
      {p.lines.map((l) => {
        const mine = pending(l.id);
        const left = l.remaining - mine;
        const service = l.itemKind === "service";
        return (
          <Stack key={l.id} gap={4} mt={6} data-testid="panel-line">
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm">
                {l.unlimited
                  ? t("panel.lineUnlimited", { name: l.itemName })
                  : t("panel.line", { name: l.itemName, left, total: l.total })}
              </Text>
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
            </Group>
            {!l.unlimited && l.total <= 30 && (
              <Group gap={3}>
                {Array.from({ length: l.total }, (_, i) => {
                  const state = i < l.used ? "used" : i < l.used + l.booked + mine ? "booked" : "free";
                  const dot = (
                    <Box
                      key="dot"
                      w={14}
                      h={14}
                      bg={CREDIT_COLOR[state]}
                      style={{ borderRadius: "50%" }}
                      data-credit={state}
                    />
                  );
                  return state === "free" && service ? (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a credit is its position on the line
                    <Tooltip key={i} label={t("panel.bookFromCredit")}>
                      <UnstyledButton
                        aria-label={t("panel.bookFromCreditLabel", { name: l.itemName })}
                        onClick={() => onUse(l)}
                      >
                        {dot}
                      </UnstyledButton>
                    </Tooltip>
                  ) : (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a credit is its position on the line
                    <Box key={i} aria-hidden>
                      {dot}
                    </Box>
                  );
                })}
              </Group>
            )}
          </Stack>
        );
      })}
    </Card>
  );
}
