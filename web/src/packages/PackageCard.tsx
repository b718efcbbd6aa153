import { Badge, Button, Card, Divider, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { Package, Movement as Redeemed } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { dateIn, localDate, money, STATUS_COLOR, statusLabel, UNLIMITED_ABOVE } from "../format.js";
import { CreditBar } from "./CreditBar.js";
import { afterPackageChange, packagesKey } from "./queries.js";

export type PackageAction = "usage" | "adjust" | "extend" | "transfer" | "refund";

export function PackageCard({
  pkg,
  onAction,
}: {
  pkg: Package;
  onAction: (action: PackageAction, pkg: Package) => void;
}) {
  const { t } = useTranslation("packages");
  const { can } = useSession();
  const me = useMe();
  const queryClient = useQueryClient();
  const location = me.locations.find((l) => l.id === pkg.locationId);
  const usable = pkg.status === "active";

  const redeem = useMutation({
    mutationFn: (line: { id: string; itemName: string }) =>
      api.post<Redeemed>(`/api/v1/packages/${pkg.id}/lines/${line.id}/redeem`, { quantity: 1 }),
    onSuccess: (r, line) => {
      // The count moves at once, from the server's answer; the refetch then brings the rest.
      queryClient.setQueryData<Package[]>(packagesKey(pkg.customerId), (all) =>
        all?.map((p) => {
          if (p.id !== pkg.id) return p;
          const lines = p.lines.map((l) =>
            l.id === line.id ? { ...l, ...r.counters, unlimited: r.counters.remaining > UNLIMITED_ABOVE } : l,
          );
          const fullyUsed = lines.every((l) => l.remaining === 0 && l.booked === 0);
          return { ...p, lines, status: fullyUsed ? "fully_used" : p.status };
        }),
      );
      void afterPackageChange(queryClient, pkg.customerId);
      notifications.show({
        color: "green",
        message:
          r.counters.remaining > UNLIMITED_ABOVE
            ? t("card.redeemedUnlimited", { item: line.itemName })
            : t("card.redeemed", { item: line.itemName, count: r.counters.remaining }),
      });
    },
    onError: (e) =>
      notifications.show({ color: "red", title: t("card.notRedeemed"), message: plainWords(e) }),
  });

  const expiry = pkg.expiresOn
    ? t(pkg.status === "expired" ? "card.expiredOn" : "card.validUntil", {
        date: localDate(pkg.expiresOn),
        zone: pkg.timeZone,
      })
    : t("card.neverExpires");
  const refunded =
    pkg.refundedAt &&
    (pkg.refundMinor === null
      ? t("card.refunded", { date: dateIn(pkg.refundedAt, pkg.timeZone) })
      : t(pkg.refundKind === "store_credit" ? "card.refundedStoreCredit" : "card.refundedMoney", {
          date: dateIn(pkg.refundedAt, pkg.timeZone),
          amount: money(pkg.refundMinor, pkg.currency),
        }));

  return (
    <Card withBorder shadow="xs" data-testid="package-card" data-package-name={pkg.name}>
      <Stack gap={2}>
        <Group gap="xs" wrap="wrap">
          <Title order={3} size="h4">
            {pkg.name}
          </Title>
          <Badge color={STATUS_COLOR[pkg.status]} data-testid="package-status" style={{ flexShrink: 0 }}>
            {statusLabel(pkg.status)}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t("card.bought", {
            date: dateIn(pkg.purchasedAt, pkg.timeZone),
            location: location?.name ?? t("card.anotherLocation"),
            price: money(pkg.priceMinor, pkg.currency),
          })}
        </Text>
        <Text size="sm" c={pkg.status === "expired" ? "orange.8" : "dimmed"}>
          {expiry}
        </Text>
        {refunded && (
          <Text size="sm" c="red.8">
            {refunded}
          </Text>
        )}
      </Stack>
      <Divider my="sm" />
      <Stack gap="md">
        {pkg.lines.map((line) => (
          <Group
            key={line.id}
            align="flex-end"
            wrap="nowrap"
            gap="md"
            data-testid="package-line"
            data-item={line.itemName}
          >
            <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
              <Text fw={600}>{line.itemName}</Text>
              <CreditBar line={line} status={pkg.status} />
            </Stack>
            {can("redeem") && usable && (
              <Button
                variant="light"
                disabled={line.remaining === 0}
                loading={redeem.isPending && redeem.variables?.id === line.id}
                onClick={() => redeem.mutate({ id: line.id, itemName: line.itemName })}
                aria-label={t("card.redeemOne", { item: line.itemName })}
                style={{ flexShrink: 0 }}
              >
                {t("card.redeem")}
              </Button>
            )}
          </Group>
        ))}
      </Stack>
      <Divider my="sm" />
      <Group gap="xs">
        <Button size="xs" variant="default" onClick={() => onAction("usage", pkg)}>
          {t("card.viewUsage")}
        </Button>
        {can("adjust") && pkg.status !== "refunded" && (
          <Button size="xs" variant="default" onClick={() => onAction("adjust", pkg)}>
            {t("card.adjust")}
          </Button>
        )}
        {can("extend_expiry") && pkg.expiresOn && pkg.status !== "refunded" && (
          <Button size="xs" variant="default" onClick={() => onAction("extend", pkg)}>
            {t("card.extend")}
          </Button>
        )}
        {/* G3: the free credits, to another customer */}
        {can("transfer_credits") && usable && pkg.lines.some((l) => l.remaining > 0) && (
          <Button size="xs" variant="default" onClick={() => onAction("transfer", pkg)}>
            {t("card.transfer")}
          </Button>
        )}
        {can("refund") && pkg.status !== "refunded" && (
          <Button size="xs" variant="default" color="red" onClick={() => onAction("refund", pkg)}>
            {t("card.refund")}
          </Button>
        )}
      </Group>
    </Card>
  );
}
