// New appointment (A1–A3): pick the customer; the Available Packages panel shows every active
// package with its items, remaining counts, expiry and circles. "Use" (or a green circle) adds the
// service at 0 with a Package badge; saving reserves the credit and the counter moves at once.
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
  TextInput,
  Tooltip,
  UnstyledButton,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { api, plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { localDate, money } from "../format.js";
import { CustomerPicker } from "../till/CustomerPicker.js";
import type { Appointment, Item, Line, Package } from "../types.js";
import { PackageIcon } from "./PackageIcon.js";
import { fromWall } from "./zoned.js";

interface Chosen {
  itemId: string;
  name: string;
  priceMinor: number;
  packageLineId: string | null;
  packageName: string | null;
}

export function BookingModal({
  start,
  staffId,
  staff,
  items,
  onClose,
  onBooked,
}: {
  start: Date;
  staffId: string | null;
  staff: Array<{ id: string; name: string }>;
  items: Item[];
  onClose: () => void;
  onBooked: (a: Appointment) => void;
}) {
  const me = useMe();
  const zone = me.location.timeZone;
  const [customer, setCustomer] = useState<{ id: string; name: string } | null>(null);
  const [packages, setPackages] = useState<Package[] | null>(null);
  const [chosen, setChosen] = useState<Chosen[]>([]);
  const [who, setWho] = useState<string | null>(staffId ?? staff[0]?.id ?? null);
  const [time, setTime] = useState(
    `${String(start.getHours()).padStart(2, "0")}:${String(start.getMinutes()).padStart(2, "0")}`,
  );
  const [allowOverlap, setAllowOverlap] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setChosen([]);
    if (!customer) return setPackages(null);
    api
      .get<Package[]>(`/api/v1/customers/${customer.id}/available-packages`)
      .then(setPackages, (e) => setError(plainWords(e)));
  }, [customer]);

  const services = items.filter((i) => i.kind === "service" && i.prices[me.location.currency] !== undefined);
  const pending = (lineId: string) => chosen.filter((c) => c.packageLineId === lineId).length;
  const use = (p: Package, l: Line) =>
    setChosen((c) => [
      ...c,
      { itemId: l.itemId, name: l.itemName, priceMinor: 0, packageLineId: l.id, packageName: p.name },
    ]);

  async function save() {
    if (!customer || !who || chosen.length === 0) return;
    const [h, m] = time.split(":").map(Number);
    const at = new Date(start);
    at.setHours(h ?? 9, m ?? 0, 0, 0);
    setBusy(true);
    setError(null);
    try {
      const a = await api.post<Appointment>("/api/v1/appointments", {
        customerId: customer.id,
        staffId: who,
        startAt: fromWall(at, zone),
        services: chosen.map((c) =>
          c.packageLineId ? { itemId: c.itemId, packageLineId: c.packageLineId } : { itemId: c.itemId },
        ),
        allowOverlap,
      });
      notifications.show({
        color: "green",
        message: `Booked ${customer.name}${a.fromPackage ? " from a package" : ""}.`,
      });
      onBooked(a);
    } catch (e) {
      setError(plainWords(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="New appointment" size="xl">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <Stack>
          <CustomerPicker value={customer} onChange={(id) => setCustomer(id ? { id, name: "" } : null)} />
          <Text fw={600}>Available packages</Text>
          {!customer && (
            <Text size="sm" c="dimmed">
              Pick a customer to see their packages.
            </Text>
          )}
          {packages && packages.length === 0 && (
            <Text size="sm" c="dimmed">
              No active packages.
            </Text>
          )}
          {packages?.map((p) => (
            <Card key={p.id} withBorder p="sm" data-testid="available-package">
              <Group justify="space-between" gap={4}>
                <Text fw={600} size="sm">
                  {p.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {p.expiresOn ? `until ${localDate(p.expiresOn)}` : "no expiry"}
                </Text>
              </Group>
              {p.lines.map((l) => {
                const free = l.remaining - pending(l.id);
                return (
                  <Stack key={l.id} gap={4} mt={6}>
                    <Group justify="space-between" wrap="nowrap">
                      <Text size="sm">
                        {l.itemName} ({l.used + l.booked + pending(l.id)}/{l.total} used)
                      </Text>
                      <Button
                        size="compact-xs"
                        disabled={free <= 0 || l.itemKind !== "service"}
                        onClick={() => use(p, l)}
                        aria-label={`Use ${l.itemName} from ${p.name}`}
                      >
                        Use
                      </Button>
                    </Group>
                    {!l.unlimited && l.total <= 30 && (
                      <Group gap={3}>
                        {Array.from({ length: l.total }, (_, i) => {
                          const state =
                            i < l.used ? "used" : i < l.used + l.booked + pending(l.id) ? "booked" : "free";
                          const color = { used: "red.6", booked: "orange.5", free: "green.6" }[state];
                          const dot = (
                            <Box
                              key="dot"
                              w={14}
                              h={14}
                              bg={color}
                              style={{ borderRadius: "50%" }}
                              data-credit={state}
                            />
                          );
                          return state === "free" && l.itemKind === "service" ? (
                            // biome-ignore lint/suspicious/noArrayIndexKey: a credit is its position on the line
                            <Tooltip key={i} label="Book from this credit">
                              <UnstyledButton
                                aria-label={`Book ${l.itemName} from a free credit`}
                                onClick={() => use(p, l)}
                              >
                                {dot}
                              </UnstyledButton>
                            </Tooltip>
                          ) : (
                            // biome-ignore lint/suspicious/noArrayIndexKey: a credit is its position on the line
                            <Box key={i}>{dot}</Box>
                          );
                        })}
                      </Group>
                    )}
                  </Stack>
                );
              })}
            </Card>
          ))}
        </Stack>
        <Stack>
          {error && <Alert color="red">{error}</Alert>}
          <Group grow>
            <TextInput
              type="time"
              label={`Time (${zone})`}
              value={time}
              onChange={(e) => setTime(e.currentTarget.value)}
            />
            <Select
              label="With"
              data={staff.map((s) => ({ value: s.id, label: s.name }))}
              value={who}
              onChange={setWho}
              allowDeselect={false}
            />
          </Group>
          <Select
            label="Add a paid service"
            placeholder="Choose a service"
            searchable
            data={services.map((s) => ({
              value: s.id,
              label: `${s.name} · ${money(s.prices[me.location.currency]!, me.location.currency)}`,
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
                    priceMinor: s.prices[me.location.currency]!,
                    packageLineId: null,
                    packageName: null,
                  },
                ]);
            }}
          />
          <Text fw={600}>Services</Text>
          {chosen.length === 0 && (
            <Text size="sm" c="dimmed">
              Nothing yet: click Use on a package, or add a paid service.
            </Text>
          )}
          {chosen.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same service may be booked twice
            <Group key={i} justify="space-between" data-testid="chosen-service">
              <Group gap={6}>
                <Text size="sm">{c.name}</Text>
                {c.packageLineId && (
                  <Badge color="violet" leftSection={<PackageIcon size={12} />}>
                    Package
                  </Badge>
                )}
              </Group>
              <Group gap={6}>
                <Text size="sm">{money(c.priceMinor, me.location.currency)}</Text>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  color="red"
                  onClick={() => setChosen((all) => all.filter((_, j) => j !== i))}
                  aria-label={`Remove ${c.name}`}
                >
                  ×
                </Button>
              </Group>
            </Group>
          ))}
          <Switch
            label="Allow overlapping this staff member's other bookings"
            checked={allowOverlap}
            onChange={(e) => setAllowOverlap(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button onClick={save} loading={busy} disabled={!customer || !who || chosen.length === 0}>
              Save appointment
            </Button>
          </Group>
        </Stack>
      </SimpleGrid>
    </Modal>
  );
}
