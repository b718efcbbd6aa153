import { Badge, Button, Card, Divider, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { dateIn, localDate, money, STATUS_COLOR, STATUS_LABEL } from "../format.js";
import type { Package } from "../types.js";
import { CreditBar } from "./CreditBar.js";

export type PackageAction = "usage" | "adjust" | "extend" | "refund";

interface Redeemed {
  lineId: string;
  counters: { total: number; used: number; booked: number; remaining: number };
}

export function PackageCard({
  pkg,
  onChanged,
  onAction,
}: {
  pkg: Package;
  onChanged: (pkg: Package) => void;
  onAction: (action: PackageAction, pkg: Package) => void;
}) {
  const { can } = useSession();
  const me = useMe();
  const [busyLine, setBusyLine] = useState<string | null>(null);
  const location = me.locations.find((l) => l.id === pkg.locationId);
  const usable = pkg.status === "active";

  async function redeem(lineId: string, itemName: string) {
    setBusyLine(lineId);
    try {
      const r = await api.post<Redeemed>(`/api/v1/packages/${pkg.id}/lines/${lineId}/redeem`, {
        quantity: 1,
      });
      // The count moves at once, from the server's answer.
      const lines = pkg.lines.map((l) =>
        l.id === lineId ? { ...l, ...r.counters, unlimited: r.counters.remaining > 100 } : l,
      );
      const fullyUsed = lines.every((l) => l.remaining === 0 && l.booked === 0);
      onChanged({ ...pkg, lines, status: fullyUsed ? "fully_used" : pkg.status });
      notifications.show({ color: "green", message: `${itemName} redeemed: ${r.counters.remaining} left` });
    } catch (e) {
      notifications.show({ color: "red", title: "Not redeemed", message: plainWords(e) });
    } finally {
      setBusyLine(null);
    }
  }

  return (
    <Card withBorder shadow="xs" data-testid="package-card" data-package-name={pkg.name}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <Stack gap={2}>
          <Group gap="xs">
            <Title order={3} size="h4">
              {pkg.name}
            </Title>
            <Badge color={STATUS_COLOR[pkg.status]} data-testid="package-status">
              {STATUS_LABEL[pkg.status]}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            Bought {dateIn(pkg.purchasedAt, pkg.timeZone)} at {location?.name ?? "another location"} for{" "}
            {money(pkg.priceMinor, pkg.currency)}
          </Text>
          <Text size="sm" c={pkg.status === "expired" ? "orange.8" : "dimmed"}>
            {pkg.expiresOn
              ? `${pkg.status === "expired" ? "Expired" : "Valid until"} ${localDate(pkg.expiresOn)} (end of day, ${pkg.timeZone})`
              : "Never expires"}
          </Text>
          {pkg.refundedAt && (
            <Text size="sm" c="red.8">
              Refunded {dateIn(pkg.refundedAt, pkg.timeZone)}
              {pkg.refundMinor !== null ? `: ${money(pkg.refundMinor, pkg.currency)}` : ""}
              {pkg.refundKind === "store_credit" ? " as store credit" : ""}
            </Text>
          )}
        </Stack>
      </Group>
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
              <CreditBar line={line} />
            </Stack>
            {can("redeem") && usable && (
              <Button
                variant="light"
                disabled={line.remaining === 0}
                loading={busyLine === line.id}
                onClick={() => redeem(line.id, line.itemName)}
                aria-label={`Redeem one ${line.itemName}`}
              >
                Redeem
              </Button>
            )}
          </Group>
        ))}
      </Stack>
      <Divider my="sm" />
      <Group gap="xs">
        <Button size="xs" variant="default" onClick={() => onAction("usage", pkg)}>
          View usage
        </Button>
        {can("adjust") && pkg.status !== "refunded" && (
          <Button size="xs" variant="default" onClick={() => onAction("adjust", pkg)}>
            Adjust
          </Button>
        )}
        {can("extend_expiry") && pkg.expiresOn && pkg.status !== "refunded" && (
          <Button size="xs" variant="default" onClick={() => onAction("extend", pkg)}>
            Extend expiry
          </Button>
        )}
        {can("refund") && pkg.status !== "refunded" && (
          <Button size="xs" variant="default" color="red" onClick={() => onAction("refund", pkg)}>
            Refund
          </Button>
        )}
      </Group>
    </Card>
  );
}
