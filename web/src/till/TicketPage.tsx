// The till: one ticket. Lines covered by a package show "Package" and 0, with the package and its
// counter; staff can switch a line to another eligible package or to paying; closing takes the
// payment (a walk-in covered by a package closes at 0) and shows the receipt.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Menu,
  NumberInput,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
  Tooltip,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { dateTimeIn, localDate, money } from "../format.js";
import type { Item, Package, Template, Ticket, TicketLine } from "../types.js";
import { CustomerPicker } from "./CustomerPicker.js";

const KIND_TABS = [
  { value: "service", label: "Services" },
  { value: "product", label: "Products" },
  { value: "class_type", label: "Classes" },
] as const;

export function TicketPage() {
  const { ticketId } = useParams<{ ticketId: string }>();
  const navigate = useNavigate();
  const { can } = useSession();
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [items, setItems] = useState<Item[]>([]);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [packages, setPackages] = useState<Package[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [serviceDate, setServiceDate] = useState("");

  const load = useCallback(async () => {
    try {
      setTicket(await api.get<Ticket>(`/api/v1/tickets/${ticketId}`));
    } catch (e) {
      setError(plainWords(e));
    }
  }, [ticketId]);
  useEffect(() => {
    void load();
    api.get<Item[]>("/api/v1/items").then(
      (rows) => setItems(rows.filter((i) => i.active)),
      () => {},
    );
    api.get<Template[]>("/api/v1/templates").then(setTemplates, () => {});
  }, [load]);
  useEffect(() => {
    if (!ticket?.customer) return setPackages([]);
    api
      .get<Package[]>(`/api/v1/customers/${ticket.customer.id}/packages`)
      .then(setPackages, () => setPackages([]));
  }, [ticket]);

  async function change(work: () => Promise<Ticket>) {
    setBusy(true);
    try {
      setTicket(await work());
    } catch (e) {
      notifications.show({ color: "red", message: plainWords(e) });
    } finally {
      setBusy(false);
    }
  }

  if (error) return <Alert color="red">{error}</Alert>;
  if (!ticket) return <Loader aria-label="Loading ticket" />;
  const open = ticket.status === "open";
  const base = `/api/v1/tickets/${ticket.id}`;
  const addItem = (item: Item) =>
    change(() =>
      api.post<Ticket>(`${base}/lines`, { itemId: item.id, ...(serviceDate ? { serviceDate } : {}) }),
    );
  const addTemplate = (t: Template) => change(() => api.post<Ticket>(`${base}/lines`, { templateId: t.id }));

  return (
    <Stack maw={1200}>
      <Group justify="space-between">
        <Group gap="xs">
          <Anchor component={Link} to="/till" size="sm">
            ← Till
          </Anchor>
          <Title order={2}>Ticket #{ticket.number}</Title>
          {ticket.receiptNumber !== null && <Text c="dimmed">Receipt #{ticket.receiptNumber}</Text>}
          <Badge
            color={{ open: "blue", closed: "green", voided: "gray", refunded: "red" }[ticket.status]}
            data-testid="ticket-status"
          >
            {ticket.status}
          </Badge>
        </Group>
        <Text c="dimmed" size="sm">
          {ticket.locationName} · opened {dateTimeIn(ticket.openedAt, ticket.timeZone)}
        </Text>
      </Group>
      {ticket.voidReason && <Alert color="orange">Voided: {ticket.voidReason}</Alert>}
      <SimpleGrid cols={{ base: 1, md: open ? 2 : 1 }} spacing="md">
        <Stack>
          {open ? (
            <CustomerPicker
              value={ticket.customer}
              onChange={(id) => change(() => api.patch<Ticket>(base, { customerId: id }))}
            />
          ) : (
            <Text>
              Customer:{" "}
              {ticket.customer ? (
                <Link to={`/customers/${ticket.customer.id}`}>{ticket.customer.name}</Link>
              ) : (
                "walk-in"
              )}
            </Text>
          )}
          <LinesTable
            ticket={ticket}
            packages={packages}
            busy={busy}
            onChange={change}
            canRefund={can("refund")}
          />
          <Totals ticket={ticket} />
          {open ? (
            <CloseForm
              ticket={ticket}
              onClosed={(t) => navigate(`/tickets/${t.id}/receipt`)}
              onChange={change}
            />
          ) : (
            <Group>
              <Button component={Link} to={`/tickets/${ticket.id}/receipt`} variant="default">
                Receipt
              </Button>
            </Group>
          )}
        </Stack>
        {open && (
          <Card withBorder>
            <Group justify="space-between" mb="xs">
              <Text fw={600}>Add to the ticket</Text>
              <TextInput
                type="date"
                size="xs"
                aria-label="Service date"
                value={serviceDate}
                onChange={(e) => setServiceDate(e.currentTarget.value)}
                description="Service date (default today)"
              />
            </Group>
            <Tabs defaultValue="service">
              <Tabs.List>
                {KIND_TABS.map((k) => (
                  <Tabs.Tab key={k.value} value={k.value}>
                    {k.label}
                  </Tabs.Tab>
                ))}
                <Tabs.Tab value="packages">Packages</Tabs.Tab>
              </Tabs.List>
              {KIND_TABS.map((k) => (
                <Tabs.Panel key={k.value} value={k.value} pt="sm">
                  <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                    {items
                      .filter((i) => i.kind === k.value && i.prices[ticket.currency] !== undefined)
                      .map((i) => (
                        <Button
                          key={i.id}
                          variant="default"
                          justify="space-between"
                          fullWidth
                          disabled={busy}
                          onClick={() => addItem(i)}
                          rightSection={money(i.prices[ticket.currency]!, ticket.currency)}
                        >
                          {i.name}
                        </Button>
                      ))}
                  </SimpleGrid>
                </Tabs.Panel>
              ))}
              <Tabs.Panel value="packages" pt="sm">
                {!ticket.customer && (
                  <Text size="sm" c="dimmed">
                    Put a customer on the ticket to sell a package.
                  </Text>
                )}
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                  {templates
                    .filter((t) => t.prices[ticket.currency] !== undefined)
                    .map((t) => (
                      <Button
                        key={t.id}
                        variant="default"
                        justify="space-between"
                        fullWidth
                        disabled={busy || !ticket.customer}
                        onClick={() => addTemplate(t)}
                        rightSection={money(t.prices[ticket.currency]!, ticket.currency)}
                      >
                        {t.name}
                      </Button>
                    ))}
                </SimpleGrid>
              </Tabs.Panel>
            </Tabs>
          </Card>
        )}
      </SimpleGrid>
    </Stack>
  );
}

function LinesTable({
  ticket,
  packages,
  busy,
  onChange,
  canRefund,
}: {
  ticket: Ticket;
  packages: Package[];
  busy: boolean;
  onChange: (work: () => Promise<Ticket>) => Promise<void>;
  canRefund: boolean;
}) {
  const open = ticket.status === "open";
  const base = `/api/v1/tickets/${ticket.id}`;
  if (ticket.lines.length === 0)
    return <Text c="dimmed">No lines yet: add services, products, classes or packages.</Text>;
  return (
    <ScrollArea>
      <Table verticalSpacing="sm" data-testid="ticket-lines" miw={520}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Item</Table.Th>
            <Table.Th>Date</Table.Th>
            <Table.Th ta="right">Price</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ticket.lines.map((l) => (
            <Table.Tr key={l.id} data-testid="ticket-line" data-covered={l.covered}>
              <Table.Td>
                <Text fw={600}>{l.name}</Text>
                {l.coverage.label && l.covered && (
                  <Text size="xs" c="violet.8" data-testid="coverage-label">
                    {l.coverage.label}
                  </Text>
                )}
                {!l.covered &&
                  l.kind !== "package_sale" &&
                  l.coverage.explanation &&
                  l.coverage.reason !== "no_package_for_item" &&
                  l.coverage.reason !== "no_customer" && (
                    <Text size="xs" c="dimmed">
                      {l.coverage.explanation}
                    </Text>
                  )}
                {l.refundedAt && (
                  <Badge color="red" size="xs">
                    Refunded
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{localDate(l.serviceDate)}</Table.Td>
              <Table.Td ta="right">
                {l.covered ? (
                  <Tooltip label={l.coverage.explanation ?? ""} disabled={!l.coverage.explanation}>
                    <Badge color="violet" size="lg" data-testid="price-package">
                      Package
                    </Badge>
                  </Tooltip>
                ) : (
                  <Text data-testid="price">{money(l.priceMinor, ticket.currency)}</Text>
                )}
              </Table.Td>
              <Table.Td>
                {open && (
                  <LineMenu
                    line={l}
                    packages={packages}
                    disabled={busy}
                    onCoverage={(body) =>
                      onChange(() => api.post<Ticket>(`${base}/lines/${l.id}/coverage`, body))
                    }
                    onRemove={() => onChange(() => api.del<Ticket>(`${base}/lines/${l.id}`))}
                  />
                )}
                {!open && canRefund && ticket.status !== "voided" && !l.refundedAt && (
                  <Button
                    size="compact-xs"
                    variant="light"
                    color="red"
                    onClick={() =>
                      window.confirm(`Refund ${l.name}?`) &&
                      onChange(() => api.post<Ticket>(`${base}/lines/${l.id}/refund`, {}))
                    }
                  >
                    Refund
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

function LineMenu({
  line,
  packages,
  disabled,
  onCoverage,
  onRemove,
}: {
  line: TicketLine;
  packages: Package[];
  disabled: boolean;
  onCoverage: (body: unknown) => void;
  onRemove: () => void;
}) {
  const eligible = packages
    .filter((p) => p.status === "active")
    .flatMap((p) => p.lines.filter((pl) => pl.itemId === line.itemId).map((pl) => ({ pkg: p, pl })))
    .filter(({ pl }) => pl.remaining > 0 || pl.id === line.coverage.packageLineId);
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button
          size="compact-sm"
          variant="subtle"
          disabled={disabled}
          aria-label={`Options for ${line.name}`}
        >
          ⋯
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {line.kind !== "package_sale" && (
          <>
            {line.covered && (
              <Menu.Item onClick={() => onCoverage({ mode: "paying" })}>Charge instead of package</Menu.Item>
            )}
            {eligible
              .filter(({ pl }) => pl.id !== line.coverage.packageLineId)
              .map(({ pkg, pl }) => (
                <Menu.Item key={pl.id} onClick={() => onCoverage({ mode: "package", packageLineId: pl.id })}>
                  Use {pkg.name} ({pl.remaining}/{pl.total} left)
                </Menu.Item>
              ))}
            {line.coverageMode !== "auto" && (
              <Menu.Item onClick={() => onCoverage({ mode: "auto" })}>Let Carnet choose</Menu.Item>
            )}
            <Menu.Divider />
          </>
        )}
        <Menu.Item color="red" onClick={onRemove}>
          Remove line
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function Totals({ ticket }: { ticket: Ticket }) {
  return (
    <Card withBorder p="sm">
      <Group justify="space-between">
        <Text>Total</Text>
        <Text fw={700} size="xl" data-testid="ticket-total">
          {money(ticket.totals.dueMinor, ticket.currency)}
        </Text>
      </Group>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          of which tax
        </Text>
        <Text size="sm" c="dimmed">
          {money(ticket.totals.taxMinor, ticket.currency)}
        </Text>
      </Group>
      {ticket.totals.paidMinor > 0 && (
        <Group justify="space-between">
          <Text size="sm">Paid</Text>
          <Text size="sm">{money(ticket.totals.paidMinor, ticket.currency)}</Text>
        </Group>
      )}
      {ticket.totals.refundedMinor > 0 && (
        <Group justify="space-between">
          <Text size="sm" c="red.8">
            Refunded
          </Text>
          <Text size="sm" c="red.8">
            {money(ticket.totals.refundedMinor, ticket.currency)}
          </Text>
        </Group>
      )}
    </Card>
  );
}

function CloseForm({
  ticket,
  onClosed,
  onChange,
}: {
  ticket: Ticket;
  onClosed: (t: Ticket) => void;
  onChange: (work: () => Promise<Ticket>) => Promise<void>;
}) {
  const [tender, setTender] = useState<string>("card");
  const [busy, setBusy] = useState(false);
  const due = ticket.totals.dueMinor;
  const [amount, setAmount] = useState<number | string>(due / 100);
  useEffect(() => setAmount(due / 100), [due]);
  async function close() {
    setBusy(true);
    try {
      const payments = due > 0 ? [{ tender, amountMinor: Math.round(Number(amount) * 100) }] : [];
      const closed = await api.post<Ticket>(`/api/v1/tickets/${ticket.id}/close`, { payments });
      if (closed.status === "voided") {
        notifications.show({ color: "orange", title: "Ticket voided", message: closed.voidReason ?? "" });
        await onChange(async () => closed);
      } else {
        notifications.show({
          color: "green",
          message: due > 0 ? "Ticket closed." : "Ticket closed at 0: package used.",
        });
        onClosed(closed);
      }
    } catch (e) {
      notifications.show({ color: "red", title: "Not closed", message: plainWords(e) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Group align="flex-end" wrap="wrap">
      {due > 0 && (
        <>
          <Select
            label="Paid by"
            w={150}
            data={[
              { value: "card", label: "Card" },
              { value: "cash", label: "Cash" },
              { value: "store_credit", label: "Store credit" },
            ]}
            value={tender}
            onChange={(v) => v && setTender(v)}
            allowDeselect={false}
          />
          <NumberInput
            label={`Amount (${ticket.currency})`}
            w={160}
            value={amount}
            onChange={setAmount}
            decimalScale={2}
            min={0}
            thousandSeparator=" "
          />
        </>
      )}
      <Button onClick={close} loading={busy} disabled={ticket.lines.length === 0} data-testid="close-ticket">
        {due > 0 ? `Close ticket · ${money(due, ticket.currency)}` : "Close ticket at 0"}
      </Button>
      <Button
        variant="subtle"
        color="red"
        onClick={() =>
          window.confirm("Void this ticket? Any package credits it holds are released.") &&
          onChange(() => api.post<Ticket>(`/api/v1/tickets/${ticket.id}/void`, {}))
        }
      >
        Void
      </Button>
    </Group>
  );
}
