// A customer's package: its state, what it cost, until when it is valid, each line's credits with a
// quick Redeem, and what the signed-in role may do with it. A gift says from whom (G2); a pause
// going on shows as "Paused until 23 Dec" instead of "Active", with the pauses to come under the
// expiry, each to end or cancel (G4), and the lines cannot be redeemed on a paused day.
import { Anchor, Badge, Box, Button, Card, Divider, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Customer, Package, Movement as Redeemed } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { dateIn, localDate, money, STATUS_COLOR, statusLabel, UNLIMITED_ABOVE } from "../format.js";
import { CreditBar } from "./CreditBar.js";
import { dayOf, EndPauseModal, spanOf } from "./PauseModal.js";
import { type Pause, pausedDays, pauseOn, pausesAhead } from "./pauses.js";
import { afterPackageChange, customerKey, packagesKey } from "./queries.js";
import { todayIn } from "./TransferModal.js";

export type PackageAction = "usage" | "adjust" | "extend" | "transfer" | "pause" | "refund";

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
  // G4: a package paused today takes no credit today; the pauses not over yet are listed
  const today = todayIn(pkg.timeZone);
  const pausedNow = usable ? pauseOn(pkg, today) : null;
  const ahead = usable ? pausesAhead(pkg, today) : [];
  const [ending, setEnding] = useState<Pause | null>(null);

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
    onError: (e) => {
      notifications.show({ color: "red", title: t("card.notRedeemed"), message: plainWords(e) });
      // what this card showed was out of date (paused, refunded or expired at another desk)
      void queryClient.invalidateQueries({ queryKey: ["packages"] });
    },
  });

  const expiry = pkg.expiresOn
    ? t(pkg.status === "expired" ? "card.expiredOn" : "card.validUntil", {
        date: localDate(pkg.expiresOn),
        zone: pkg.timeZone,
      })
    : t("card.neverExpires");
  const pausedFor = pkg.expiresOn ? pausedDays(pkg) : 0;
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
          {pausedNow ? (
            <Badge color="indigo" data-testid="package-paused" style={{ flexShrink: 0 }}>
              {t("card.pausedUntil", { date: dayOf(pausedNow.endsOn, today) })}
            </Badge>
          ) : (
            <Badge color={STATUS_COLOR[pkg.status]} data-testid="package-status" style={{ flexShrink: 0 }}>
              {statusLabel(pkg.status)}
            </Badge>
          )}
        </Group>
        {pkg.giftFromCustomerId && <GiftFrom customerId={pkg.giftFromCustomerId} message={pkg.giftMessage} />}
        <Text size="sm" c="dimmed">
          {t("card.bought", {
            date: dateIn(pkg.purchasedAt, pkg.timeZone),
            location: location?.name ?? t("card.anotherLocation"),
            price: money(pkg.priceMinor, pkg.currency),
          })}
        </Text>
        <Text size="sm" c={pkg.status === "expired" ? "orange.8" : "dimmed"} data-testid="package-expiry">
          {expiry}
          {pausedFor > 0 && ` · ${t("card.pausedDaysAdded", { count: pausedFor })}`}
        </Text>
        {ahead.map((p) => {
          const begun = p.startsOn <= today;
          return (
            <Group
              key={p.id}
              justify="space-between"
              wrap="nowrap"
              gap="xs"
              mt={4}
              px="xs"
              py={4}
              data-testid="package-pause"
              data-state={begun ? "on" : "ahead"}
              style={{
                background: "var(--mantine-color-indigo-light)",
                borderRadius: "var(--mantine-radius-sm)",
              }}
            >
              <Text size="sm" c="indigo.9" style={{ minWidth: 0, overflowWrap: "anywhere" }}>
                <Text span fw={600} size="sm">
                  {t(begun ? "card.pausedSpan" : "card.pauseAhead", {
                    span: spanOf(p.startsOn, p.endsOn, today),
                  })}
                </Text>
                {` · ${p.reason}`}
              </Text>
              {can("pause_package") && (
                <Button
                  size="compact-xs"
                  variant="white"
                  color="indigo"
                  onClick={() => setEnding(p)}
                  style={{ flexShrink: 0 }}
                >
                  {t(begun ? "card.endPause" : "card.cancelPause")}
                </Button>
              )}
            </Group>
          );
        })}
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
              <CreditBar line={line} status={pkg.status} paused={pausedNow !== null} />
            </Stack>
            {can("redeem") && usable && (
              <Button
                variant="light"
                // paused today: no credit can be taken, the badge above says until when
                disabled={line.remaining === 0 || pausedNow !== null}
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
        {/* G4: no credit used on the days chosen; the expiry moves later by them */}
        {can("pause_package") && usable && (
          <Button size="xs" variant="default" onClick={() => onAction("pause", pkg)}>
            {t("card.pause")}
          </Button>
        )}
        {can("refund") && pkg.status !== "refunded" && (
          <Button size="xs" variant="default" color="red" onClick={() => onAction("refund", pkg)}>
            {t("card.refund")}
          </Button>
        )}
      </Group>
      {ending && <EndPauseModal pkg={pkg} pause={ending} onClose={() => setEnding(null)} />}
    </Card>
  );
}

/** G2: "Gift from Anna Kertész", her name a link to her, and the message she wrote. */
function GiftFrom({ customerId, message }: { customerId: string; message: string | null }) {
  const { t } = useTranslation("packages");
  const giver = useQuery({
    queryKey: customerKey(customerId),
    queryFn: () => api.get<Customer>(`/api/v1/customers/${customerId}`),
    staleTime: 60_000,
  });
  return (
    <Box data-testid="package-gift">
      <Text size="sm" c="pink.9">
        {giver.data ? (
          <Trans
            t={t}
            i18nKey="card.giftFrom"
            values={{ name: giver.data.name }}
            components={{
              giver: (
                <Anchor component={Link} to={`/customers/${customerId}`} inherit c="inherit" td="underline" />
              ),
            }}
          />
        ) : (
          t("card.giftFromSomeone")
        )}
      </Text>
      {message && (
        <Text
          size="sm"
          fs="italic"
          c="dimmed"
          data-testid="package-gift-message"
          style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
        >
          {t("card.giftMessage", { message })}
        </Text>
      )}
    </Box>
  );
}
