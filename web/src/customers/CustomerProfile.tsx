import {
  Alert,
  Anchor,
  Button,
  Card,
  CopyButton,
  Group,
  Image,
  Loader,
  Modal,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
} from "@mantine/core";
import QRCode from "qrcode";
import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { dateTimeIn, money } from "../format.js";
import { type PackageAction, PackageCard } from "../packages/PackageCard.js";
import { AdjustModal, ExtendModal, RefundModal, SellModal } from "../packages/PackageDialogs.js";
import { UsageModal } from "../packages/UsageModal.js";
import { ActivityTable } from "../reports/ActivityTable.js";
import { startTicket } from "../till/TillHome.js";
import type { BalanceLinkMade, Customer, Package } from "../types.js";

const ORDER = { active: 0, expired: 1, fully_used: 2, refunded: 3 };

export function CustomerProfile() {
  const { customerId } = useParams<{ customerId: string }>();
  const { can } = useSession();
  const navigate = useNavigate();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [packages, setPackages] = useState<Package[] | null>(null);
  const [credit, setCredit] = useState<Array<{ currency: string; balanceMinor: number }>>([]);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ action: PackageAction | "sell"; pkg?: Package } | null>(null);
  const [activityKey, setActivityKey] = useState(0);

  const load = useCallback(async () => {
    try {
      const [c, p, sc] = await Promise.all([
        api.get<Customer>(`/api/v1/customers/${customerId}`),
        api.get<Package[]>(`/api/v1/customers/${customerId}/packages`),
        api.get<Array<{ currency: string; balanceMinor: number }>>(
          `/api/v1/customers/${customerId}/store-credit`,
        ),
      ]);
      setCustomer(c);
      setPackages(p);
      setCredit(sc);
      setActivityKey((k) => k + 1);
    } catch (e) {
      setError(plainWords(e));
    }
  }, [customerId]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <Alert color="red">{error}</Alert>;
  if (!customer || !packages) return <Loader aria-label="Loading customer" />;
  const sorted = [...packages].sort(
    (a, b) => ORDER[a.status] - ORDER[b.status] || b.purchasedAt.localeCompare(a.purchasedAt),
  );
  const done = () => {
    setDialog(null);
    void load();
  };

  return (
    <Stack maw={1100}>
      <Anchor component={Link} to="/customers" size="sm" className="no-print">
        ← Customers
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={0}>
          <Title order={2}>{customer.name}</Title>
          <Text c="dimmed" size="sm">
            {[customer.phone, customer.email].filter(Boolean).join(" · ") || "No contact details"}
          </Text>
          {credit
            .filter((c) => c.balanceMinor > 0)
            .map((c) => (
              <Text key={c.currency} size="sm" c="teal.8">
                Store credit: {money(c.balanceMinor, c.currency)}
              </Text>
            ))}
        </Stack>
        {(can("sell_package") || can("export_customer_data")) && (
          <Group gap="xs" className="no-print">
            {can("sell_package") && (
              <>
                <Button variant="default" onClick={() => startTicket(customer.id, navigate)}>
                  New ticket
                </Button>
                <Button onClick={() => setDialog({ action: "sell" })}>Sell a package</Button>
              </>
            )}
            {/* O6: what Carnet holds about this customer, when they ask for it (privacy law) */}
            {can("export_customer_data") && (
              <Button
                component="a"
                href={`/api/v1/customers/${customer.id}/export`}
                download
                variant="subtle"
                data-testid="customer-export"
              >
                Download this customer's data
              </Button>
            )}
          </Group>
        )}
      </Group>
      <Tabs defaultValue="packages" keepMounted={false}>
        <Tabs.List className="no-print">
          <Tabs.Tab value="packages">
            Packages ({packages.filter((p) => p.status === "active").length} active)
          </Tabs.Tab>
          <Tabs.Tab value="activity">Activity</Tabs.Tab>
          <Tabs.Tab value="balance">Balance link</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="packages" pt="md">
          {sorted.length === 0 ? (
            <Text c="dimmed">No packages yet.</Text>
          ) : (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {sorted.map((p) => (
                <PackageCard
                  key={p.id}
                  pkg={p}
                  onChanged={(next) =>
                    setPackages((all) => all?.map((x) => (x.id === next.id ? next : x)) ?? null)
                  }
                  onAction={(action, pkg) => setDialog({ action, pkg })}
                />
              ))}
            </SimpleGrid>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="activity" pt="md">
          <ActivityTable key={activityKey} filter={{ customerId: customer.id }} showCustomer={false} />
        </Tabs.Panel>
        <Tabs.Panel value="balance" pt="md">
          <BalanceLink customer={customer} onChanged={(c) => setCustomer(c)} />
        </Tabs.Panel>
      </Tabs>
      {dialog?.action === "sell" && (
        <SellModal customerId={customer.id} onClose={() => setDialog(null)} onDone={done} />
      )}
      {dialog?.pkg && dialog.action === "usage" && (
        <UsageModal pkg={dialog.pkg} onClose={() => setDialog(null)} onChanged={() => void load()} />
      )}
      {dialog?.pkg && dialog.action === "adjust" && (
        <AdjustModal pkg={dialog.pkg} onClose={() => setDialog(null)} onDone={done} />
      )}
      {dialog?.pkg && dialog.action === "extend" && (
        <ExtendModal pkg={dialog.pkg} onClose={() => setDialog(null)} onDone={done} />
      )}
      {dialog?.pkg && dialog.action === "refund" && (
        <RefundModal pkg={dialog.pkg} onClose={() => setDialog(null)} onDone={done} />
      )}
    </Stack>
  );
}

/**
 * R4: the customer's private balance link. Its token is shown only when staff make the link (the
 * server keeps only a hash): copy, print or show the code then. Making a new one, or turning the
 * link off, ends the previous link at once.
 */
function BalanceLink({ customer, onChanged }: { customer: Customer; onChanged: (c: Customer) => void }) {
  const { can, me } = useSession();
  const [made, setMade] = useState<BalanceLinkMade | null>(null);
  const [asking, setAsking] = useState<"new" | "off" | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = customer.name.split(" ")[0];
  const hasLink = customer.balanceLinkCreatedAt !== null;

  async function makeLink() {
    setBusy(true);
    setError(null);
    try {
      const link = await api.post<BalanceLinkMade>(`/api/v1/customers/${customer.id}/balance-link`);
      setMade(link);
      onChanged({ ...customer, balanceLinkCreatedAt: link.createdAt });
      setAsking(null);
    } catch (e) {
      setError(plainWords(e));
    } finally {
      setBusy(false);
    }
  }
  async function turnOff() {
    setBusy(true);
    setError(null);
    try {
      onChanged(await api.del<Customer>(`/api/v1/customers/${customer.id}/balance-link`));
      setMade(null);
      setAsking(null);
    } catch (e) {
      setError(plainWords(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack maw={600}>
      {error && <Alert color="red">{error}</Alert>}
      {made ? (
        <MadeLink link={made} name={customer.name} />
      ) : (
        <Card withBorder className="no-print">
          <Stack>
            <Text data-testid="balance-link-status">
              {hasLink
                ? `${first} has a balance link, made ${dateTimeIn(customer.balanceLinkCreatedAt!, me?.location.timeZone ?? "UTC")}. It is not shown again, to keep it private: if it is lost, make a new one.`
                : `${first} has no balance link yet. With one, a customer sees what is left on their packages without signing in.`}
            </Text>
            {can("manage_customers") ? (
              <Group gap="xs">
                <Button
                  onClick={() => (hasLink ? setAsking("new") : void makeLink())}
                  loading={busy && asking === null}
                  data-testid="make-balance-link"
                >
                  {hasLink ? "New balance link" : "Make a balance link"}
                </Button>
                {hasLink && (
                  <Button variant="subtle" color="red" onClick={() => setAsking("off")}>
                    Turn the link off
                  </Button>
                )}
              </Group>
            ) : (
              <Text size="sm" c="dimmed">
                The front desk can make a new link.
              </Text>
            )}
          </Stack>
        </Card>
      )}
      {made && can("manage_customers") && (
        <Group gap="xs" className="no-print">
          <Button variant="subtle" size="xs" onClick={() => setAsking("new")}>
            Make another link
          </Button>
          <Button variant="subtle" size="xs" color="red" onClick={() => setAsking("off")}>
            Turn the link off
          </Button>
        </Group>
      )}
      <Modal
        opened={asking !== null}
        onClose={() => setAsking(null)}
        title={asking === "off" ? "Turn the balance link off?" : "Make a new balance link?"}
      >
        <Stack>
          <Text>
            {asking === "off"
              ? `${first}'s link stops working at once; you can make a new one later.`
              : `${first}'s current link stops working at once: whoever opens it sees that it is not valid. Give ${first} the new one.`}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(null)} disabled={busy}>
              Cancel
            </Button>
            <Button
              color={asking === "off" ? "red" : undefined}
              loading={busy}
              onClick={() => void (asking === "off" ? turnOff() : makeLink())}
              data-testid="confirm-balance-link"
            >
              {asking === "off" ? "Turn it off" : "Make a new link"}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

/** The link just made: shown once, to copy, print or scan. */
function MadeLink({ link, name }: { link: BalanceLinkMade; name: string }) {
  const url = `${window.location.origin}${link.path}`;
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    QRCode.toDataURL(url, { width: 220, margin: 1 }).then(setQr, () => setQr(null));
  }, [url]);
  return (
    <Card withBorder data-testid="balance-link-made">
      <Stack>
        <Text>
          {name} can see what is left on their packages at this private link, without signing in. Show the
          code, print it, or copy the link into a message.
        </Text>
        <Group wrap="wrap" align="flex-start">
          {qr && <Image src={qr} alt="QR code of the balance link" w={180} h={180} />}
          <Stack gap="xs" style={{ minWidth: 0, flex: "1 1 220px" }}>
            <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }} data-testid="balance-url">
              {url}
            </Text>
            <Group gap="xs" className="no-print">
              <CopyButton value={url}>
                {({ copied, copy }) => (
                  <Button size="xs" onClick={copy}>
                    {copied ? "Copied" : "Copy link"}
                  </Button>
                )}
              </CopyButton>
              <Button size="xs" variant="default" onClick={() => window.print()}>
                Print
              </Button>
              <Button size="xs" variant="default" component="a" href={url} target="_blank" rel="noreferrer">
                Open
              </Button>
            </Group>
          </Stack>
        </Group>
        <Alert color="yellow" className="no-print" data-testid="balance-link-once">
          This link is shown only now. Copy it, print it or let {name.split(" ")[0]} scan the code before you
          leave this page. Any earlier link no longer works.
        </Alert>
      </Stack>
    </Card>
  );
}
