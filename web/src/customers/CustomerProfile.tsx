import {
  Alert,
  Anchor,
  Button,
  Card,
  CopyButton,
  Group,
  Image,
  Loader,
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
import { money } from "../format.js";
import { type PackageAction, PackageCard } from "../packages/PackageCard.js";
import { AdjustModal, ExtendModal, RefundModal, SellModal } from "../packages/PackageDialogs.js";
import { UsageModal } from "../packages/UsageModal.js";
import { ActivityTable } from "../reports/ActivityTable.js";
import { startTicket } from "../till/TillHome.js";
import type { Customer, Package } from "../types.js";

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
      <Anchor component={Link} to="/customers" size="sm">
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
        {can("sell_package") && (
          <Group gap="xs">
            <Button variant="default" onClick={() => startTicket(customer.id, navigate)}>
              New ticket
            </Button>
            <Button onClick={() => setDialog({ action: "sell" })}>Sell a package</Button>
          </Group>
        )}
      </Group>
      <Tabs defaultValue="packages" keepMounted={false}>
        <Tabs.List>
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
          <BalanceLink token={customer.balanceToken} name={customer.name} />
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

function BalanceLink({ token, name }: { token: string; name: string }) {
  const url = `${window.location.origin}/balance/${token}`;
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    QRCode.toDataURL(url, { width: 220, margin: 1 }).then(setQr, () => setQr(null));
  }, [url]);
  return (
    <Card withBorder maw={560}>
      <Stack>
        <Text>
          {name} can see what is left on their packages at this private link, without signing in. Show the
          code or copy the link into a message.
        </Text>
        <Group wrap="nowrap" align="flex-start">
          {qr && <Image src={qr} alt="QR code of the balance link" w={180} h={180} />}
          <Stack gap="xs" style={{ minWidth: 0 }}>
            <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }} data-testid="balance-url">
              {url}
            </Text>
            <Group gap="xs">
              <CopyButton value={url}>
                {({ copied, copy }) => (
                  <Button size="xs" onClick={copy}>
                    {copied ? "Copied" : "Copy link"}
                  </Button>
                )}
              </CopyButton>
              <Button size="xs" variant="default" component="a" href={url} target="_blank" rel="noreferrer">
                Open
              </Button>
            </Group>
          </Stack>
        </Group>
      </Stack>
    </Card>
  );
}
