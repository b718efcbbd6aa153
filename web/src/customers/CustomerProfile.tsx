import {
  Alert,
  Anchor,
  Box,
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
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import type { BalanceLinkMade, Customer, Package } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { FeedLink } from "../feeds/FeedLink.js";
import { dateTimeIn, money } from "../format.js";
import { CustomerLanguageField } from "../languages/LanguagePickers.js";
import { type PackageAction, PackageCard } from "../packages/PackageCard.js";
import { AdjustModal, ExtendModal, RefundModal, SellModal } from "../packages/PackageDialogs.js";
import { PauseModal } from "../packages/PauseModal.js";
import { customerKey, packagesKey, storeCreditKey } from "../packages/queries.js";
import { TransferModal } from "../packages/TransferModal.js";
import { UsageModal } from "../packages/UsageModal.js";
import { allPages } from "../pages.js";
import { ActivityTable } from "../reports/ActivityTable.js";
import { startTicket } from "../till/TillHome.js";

const ORDER = { active: 0, expired: 1, fully_used: 2, refunded: 3 };

export function CustomerProfile() {
  const { customerId = "" } = useParams<{ customerId: string }>();
  const { t } = useTranslation("customers");
  const { can } = useSession();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<{ action: PackageAction | "sell"; pkg?: Package } | null>(null);
  const customerQuery = useQuery({
    queryKey: customerKey(customerId),
    queryFn: () => api.get<Customer>(`/api/v1/customers/${customerId}`),
  });
  const packagesQuery = useQuery({
    queryKey: packagesKey(customerId),
    // W2: every page: the profile shows all of the customer's packages, sorted by status
    queryFn: () => allPages<Package>(`/api/v1/customers/${customerId}/packages`),
  });
  const creditQuery = useQuery({
    queryKey: storeCreditKey(customerId),
    queryFn: () =>
      api.get<Array<{ currency: string; balanceMinor: number }>>(
        `/api/v1/customers/${customerId}/store-credit`,
      ),
  });

  const error = customerQuery.error ?? packagesQuery.error;
  if (error) return <Alert color="red">{plainWords(error)}</Alert>;
  const customer = customerQuery.data;
  const packages = packagesQuery.data;
  if (!customer || !packages) return <Loader aria-label={t("profile.loading")} />;
  const sorted = [...packages].sort(
    (a, b) => ORDER[a.status] - ORDER[b.status] || b.purchasedAt.localeCompare(a.purchasedAt),
  );
  // A dialog shows the package as it is now, not as it was when the dialog opened.
  const current = dialog?.pkg && packages.find((p) => p.id === dialog.pkg!.id);
  const close = () => setDialog(null);

  return (
    <Stack maw={1100}>
      <Anchor component={Link} to="/customers" size="sm" className="no-print">
        {t("profile.back")}
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Title order={2} style={{ overflowWrap: "anywhere" }}>
            {customer.name}
          </Title>
          <Text c="dimmed" size="sm" style={{ overflowWrap: "anywhere" }}>
            {[customer.phone, customer.email].filter(Boolean).join(" · ") || t("profile.noContact")}
          </Text>
          {(creditQuery.data ?? [])
            .filter((c) => c.balanceMinor > 0)
            .map((c) => (
              <Text key={c.currency} size="sm" c="teal.8">
                {t("profile.storeCredit", { amount: money(c.balanceMinor, c.currency) })}
              </Text>
            ))}
        </Stack>
        {(can("sell_package") || can("export_customer_data")) && (
          <Group gap="xs" className="no-print">
            {can("sell_package") && (
              <>
                <Button variant="default" onClick={() => startTicket(customer.id, navigate)}>
                  {t("profile.newTicket")}
                </Button>
                <Button onClick={() => setDialog({ action: "sell" })}>{t("profile.sellPackage")}</Button>
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
                {t("profile.exportData")}
              </Button>
            )}
          </Group>
        )}
      </Group>
      <Tabs defaultValue="packages" keepMounted={false}>
        <Tabs.List className="no-print">
          <Tabs.Tab value="packages">
            {t("profile.packagesTab", { count: packages.filter((p) => p.status === "active").length })}
          </Tabs.Tab>
          <Tabs.Tab value="activity">{t("profile.activityTab")}</Tabs.Tab>
          <Tabs.Tab value="balance">{t("profile.balanceTab")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="packages" pt="md">
          {sorted.length === 0 ? (
            <Text c="dimmed">{t("profile.noPackages")}</Text>
          ) : (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              {sorted.map((p) => (
                <PackageCard key={p.id} pkg={p} onAction={(action, pkg) => setDialog({ action, pkg })} />
              ))}
            </SimpleGrid>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="activity" pt="md">
          <ActivityTable filter={{ customerId: customer.id }} showCustomer={false} />
        </Tabs.Panel>
        <Tabs.Panel value="balance" pt="md">
          <Stack>
            <BalanceLink customer={customer} />
            {/* U2: the language of the customer's e-mails and balance page */}
            <Box maw={360}>
              <CustomerLanguageField customer={customer} />
            </Box>
            {/* W4: the customer's private calendar feed */}
            <Card withBorder maw={600} className="no-print">
              <FeedLink
                base={`/api/v1/customers/${customer.id}/calendar-feed`}
                canManage={can("manage_customers")}
                whose="customer"
              />
            </Card>
          </Stack>
        </Tabs.Panel>
      </Tabs>
      {dialog?.action === "sell" && (
        <SellModal customerId={customer.id} customerName={customer.name} onClose={close} onDone={close} />
      )}
      {current && dialog?.action === "usage" && <UsageModal pkg={current} onClose={close} />}
      {current && dialog?.action === "adjust" && <AdjustModal pkg={current} onClose={close} onDone={close} />}
      {current && dialog?.action === "extend" && <ExtendModal pkg={current} onClose={close} onDone={close} />}
      {current && dialog?.action === "transfer" && (
        <TransferModal pkg={current} onClose={close} onDone={close} />
      )}
      {current && dialog?.action === "pause" && <PauseModal pkg={current} onClose={close} onDone={close} />}
      {current && dialog?.action === "refund" && <RefundModal pkg={current} onClose={close} onDone={close} />}
    </Stack>
  );
}

/**
 * R4: the customer's private balance link. Its token is shown only when staff make the link (the
 * server keeps only a hash): copy, print or show the code then. Making a new one, or turning the
 * link off, ends the previous link at once.
 */
function BalanceLink({ customer }: { customer: Customer }) {
  const { t } = useTranslation("customers");
  const { can, me } = useSession();
  const queryClient = useQueryClient();
  const [made, setMade] = useState<BalanceLinkMade | null>(null);
  const [asking, setAsking] = useState<"new" | "off" | null>(null);
  const first = customer.name.split(" ")[0];
  const hasLink = customer.balanceLinkCreatedAt !== null;
  const makeLink = useMutation({
    mutationFn: () => api.post<BalanceLinkMade>(`/api/v1/customers/${customer.id}/balance-link`),
    onSuccess: (link) => {
      setMade(link);
      queryClient.setQueryData<Customer>(customerKey(customer.id), {
        ...customer,
        balanceLinkCreatedAt: link.createdAt,
      });
      setAsking(null);
    },
  });
  const turnOff = useMutation({
    mutationFn: () => api.del<Customer>(`/api/v1/customers/${customer.id}/balance-link`),
    onSuccess: (c) => {
      queryClient.setQueryData<Customer>(customerKey(customer.id), c);
      setMade(null);
      setAsking(null);
    },
  });
  const busy = makeLink.isPending || turnOff.isPending;
  const error = makeLink.error ?? turnOff.error;

  return (
    <Stack maw={600}>
      {error && <Alert color="red">{plainWords(error)}</Alert>}
      {made ? (
        <MadeLink link={made} name={customer.name} />
      ) : (
        <Card withBorder className="no-print">
          <Stack>
            <Text data-testid="balance-link-status">
              {hasLink
                ? t("balanceLink.has", {
                    first,
                    date: dateTimeIn(customer.balanceLinkCreatedAt!, me?.location.timeZone ?? "UTC"),
                  })
                : t("balanceLink.hasNot", { first })}
            </Text>
            {can("manage_customers") ? (
              <Group gap="xs">
                <Button
                  onClick={() => (hasLink ? setAsking("new") : makeLink.mutate())}
                  loading={makeLink.isPending && asking === null}
                  data-testid="make-balance-link"
                >
                  {hasLink ? t("balanceLink.makeNew") : t("balanceLink.make")}
                </Button>
                {hasLink && (
                  <Button variant="subtle" color="red" onClick={() => setAsking("off")}>
                    {t("balanceLink.turnOff")}
                  </Button>
                )}
              </Group>
            ) : (
              <Text size="sm" c="dimmed">
                {t("balanceLink.deskCanMake")}
              </Text>
            )}
          </Stack>
        </Card>
      )}
      {made && can("manage_customers") && (
        <Group gap="xs" className="no-print">
          <Button variant="subtle" size="xs" onClick={() => setAsking("new")}>
            {t("balanceLink.makeAnother")}
          </Button>
          <Button variant="subtle" size="xs" color="red" onClick={() => setAsking("off")}>
            {t("balanceLink.turnOff")}
          </Button>
        </Group>
      )}
      <Modal
        opened={asking !== null}
        onClose={() => setAsking(null)}
        title={asking === "off" ? t("balanceLink.askOffTitle") : t("balanceLink.askNewTitle")}
      >
        <Stack>
          <Text>
            {asking === "off" ? t("balanceLink.askOff", { first }) : t("balanceLink.askNew", { first })}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(null)} disabled={busy}>
              {t("balanceLink.cancel")}
            </Button>
            <Button
              color={asking === "off" ? "red" : undefined}
              loading={busy}
              onClick={() => (asking === "off" ? turnOff.mutate() : makeLink.mutate())}
              data-testid="confirm-balance-link"
            >
              {asking === "off" ? t("balanceLink.confirmOff") : t("balanceLink.confirmNew")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

/** The link just made: shown once, to copy, print or scan. */
function MadeLink({ link, name }: { link: BalanceLinkMade; name: string }) {
  const { t } = useTranslation("customers");
  const url = `${window.location.origin}${link.path}`;
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    QRCode.toDataURL(url, { width: 220, margin: 1 }).then(setQr, () => setQr(null));
  }, [url]);
  return (
    <Card withBorder data-testid="balance-link-made">
      <Stack>
        <Text>{t("balanceLink.madeIntro", { name })}</Text>
        <Group wrap="wrap" align="flex-start">
          {qr && <Image src={qr} alt={t("balanceLink.qrAlt")} w={180} h={180} />}
          <Stack gap="xs" style={{ minWidth: 0, flex: "1 1 220px" }}>
            <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }} data-testid="balance-url">
              {url}
            </Text>
            <Group gap="xs" className="no-print">
              <CopyButton value={url}>
                {({ copied, copy }) => (
                  <Button size="xs" onClick={copy}>
                    {copied ? t("balanceLink.copied") : t("balanceLink.copy")}
                  </Button>
                )}
              </CopyButton>
              <Button size="xs" variant="default" onClick={() => window.print()}>
                {t("balanceLink.print")}
              </Button>
              <Button size="xs" variant="default" component="a" href={url} target="_blank" rel="noreferrer">
                {t("balanceLink.open")}
              </Button>
            </Group>
          </Stack>
        </Group>
        <Alert color="yellow" className="no-print" data-testid="balance-link-once">
          {t("balanceLink.onlyNow", { first: name.split(" ")[0] })}
        </Alert>
      </Stack>
    </Card>
  );
}
