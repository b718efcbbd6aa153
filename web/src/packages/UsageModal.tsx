// L5 View Usage: every movement of a package, what it left ("2 of 5 left"), with Undo for managers and
// owners (L6), and Undo transfer for a transfer of credits to or from another customer (G3). On a
// phone each movement is a short card instead of a table row.
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  ScrollArea,
  Stack,
  Table,
  Text,
  Textarea,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Answer, Package, UsageEntry } from "../api/types.js";
import { ApiError, api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { dateTimeIn, movementLabel, UNLIMITED_ABOVE } from "../format.js";
import { pagedQuery } from "../pages.js";
import { LoadMore } from "../shell/LoadMore.js";
import { useCreditWords } from "./CreditBar.js";
import { afterPackageChange, usageKey } from "./queries.js";
import { useTransferRefusal } from "./TransferModal.js";

type UndoKind = "redeem" | "consume" | "deduct";
const undoKind = (kind: string): UndoKind => (kind === "consume" || kind === "deduct" ? kind : "redeem");
/** Refusals of an undo-transfer that pressing again cannot change. */
const FINAL_REFUSALS = ["already_undone", "transfer_credits_used", "package_refunded"];
const isTransfer = (e: UsageEntry) => e.kind === "transfer_out" || e.kind === "transfer_in";

export function UsageModal({ pkg, onClose }: { pkg: Package; onClose: () => void }) {
  const { t } = useTranslation("packages");
  const { can } = useSession();
  const words = useCreditWords();
  const refusal = useTransferRefusal();
  const phone = useMediaQuery("(max-width: 36em)");
  const queryClient = useQueryClient();
  // W2: newest first, a page at a time, "Show more" for older movements
  const usage = useInfiniteQuery({
    queryKey: usageKey(pkg.customerId, pkg.id),
    ...pagedQuery<UsageEntry>(`/api/v1/packages/${pkg.id}/usage`, {}),
  });
  const [confirming, setConfirming] = useState<UsageEntry | null>(null);
  // What the confirmation talks about, kept while it fades out after closing.
  const [target, setTarget] = useState<UsageEntry | null>(null);
  const [reason, setReason] = useState("");
  const ask = (e: UsageEntry) => {
    setTarget(e);
    setConfirming(e);
  };
  const undo = useMutation({
    mutationFn: (entry: UsageEntry) =>
      api.post(`/api/v1/movements/${entry.id}/undo`, reason.trim() ? { reason: reason.trim() } : {}),
    onSuccess: async () => {
      notifications.show({ color: "green", message: t("undo.done") });
      setConfirming(null);
      setReason("");
      await afterPackageChange(queryClient, pkg.customerId);
    },
    onError: (e) => notifications.show({ color: "red", title: t("undo.failed"), message: plainWords(e) }),
  });
  // G3: undoing a transfer moves every credit it moved back, while none of them is used or booked.
  const [undoingTransfer, setUndoingTransfer] = useState<UsageEntry | null>(null);
  const [transferTarget, setTransferTarget] = useState<UsageEntry | null>(null);
  const undoTransfer = useMutation({
    mutationFn: (entry: UsageEntry) =>
      api.post<Answer<"/api/v1/movements/{movementId}/undo-transfer", "post">>(
        `/api/v1/movements/${entry.id}/undo-transfer`,
        reason.trim() ? { reason: reason.trim() } : {},
      ),
    onSuccess: async (r) => {
      notifications.show({ color: "green", message: t("undoTransfer.done") });
      setUndoingTransfer(null);
      setReason("");
      await Promise.all([
        afterPackageChange(queryClient, r.from.customerId),
        afterPackageChange(queryClient, r.to.customerId),
      ]);
    },
  });
  const askTransfer = (e: UsageEntry) => {
    undoTransfer.reset();
    setTransferTarget(e);
    setUndoingTransfer(e);
  };

  const after = (e: UsageEntry) => words.left({ ...e.after, unlimited: e.after.remaining > UNLIMITED_ABOVE });
  const linkOf = (e: UsageEntry) =>
    e.appointmentId
      ? t("usage.appointment", { ref: e.appointmentId.slice(0, 8) })
      : e.ticketLineId
        ? t("usage.ticket", { ref: e.ticketLineId.slice(0, 8) })
        : e.classEnrolmentId
          ? t("usage.class", { ref: e.classEnrolmentId.slice(0, 8) })
          : "—";
  /** The movement in words; a transfer's undoing says so rather than "Moved from another customer". */
  const label = (e: UsageEntry) =>
    isTransfer(e) && e.reversesId
      ? t(e.kind === "transfer_in" ? "usage.transferCameBack" : "usage.transferWentBack")
      : movementLabel(e.kind);
  const what = (e: UsageEntry) => (
    <>
      {label(e)}
      {e.reason && (
        <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
          {e.reason}
        </Text>
      )}
    </>
  );
  const action = (e: UsageEntry) =>
    e.undone ? (
      <UndoneBadge label={t("usage.undone")} />
    ) : isTransfer(e) ? (
      can("transfer_credits") &&
      !e.reversesId && (
        <Button
          size="compact-xs"
          variant="light"
          color="red"
          onClick={() => askTransfer(e)}
          // in full beside a phone's card, never "Undo trans…"
          style={{ flexShrink: 0 }}
        >
          {t("usage.undoTransfer")}
        </Button>
      )
    ) : (
      can("undo") &&
      e.undoable && (
        <Button size="compact-xs" variant="light" color="red" onClick={() => ask(e)}>
          {t("usage.undo")}
        </Button>
      )
    );
  const entries = usage.data?.pages.flatMap((page) => page.items);
  const kind = undoKind(target?.kind ?? "redeem");

  return (
    <>
      <Modal opened onClose={onClose} title={t("usage.title", { name: pkg.name })} size={1100}>
        {usage.error && <Alert color="red">{plainWords(usage.error)}</Alert>}
        {usage.isPending && <Loader />}
        {entries && entries.length === 0 && <Text c="dimmed">{t("usage.nothingYet")}</Text>}
        {entries && entries.length > 0 && phone && (
          <Stack gap="xs" data-testid="usage-table">
            {entries.map((e) => (
              <Card key={e.id} withBorder p="xs" data-testid="usage-row" data-kind={e.kind}>
                <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Text size="sm" fw={600}>
                      {e.itemName} · {label(e)}
                      {/* a transfer moves many credits at once: how many, as the table's column says */}
                      {isTransfer(e) && ` · ${t("usage.creditCount", { count: e.quantity })}`}
                    </Text>
                    {e.reason && (
                      <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                        {e.reason}
                      </Text>
                    )}
                    <Text size="xs" c="dimmed">
                      {dateTimeIn(e.occurredAt, pkg.timeZone)} · {e.staffName ?? t("usage.system")}
                    </Text>
                    <Text size="xs" data-testid="usage-after">
                      {t("usage.leftAfter")}: {after(e)}
                    </Text>
                  </Stack>
                  {action(e)}
                </Group>
              </Card>
            ))}
          </Stack>
        )}
        {entries && entries.length > 0 && !phone && (
          <ScrollArea>
            <Table striped verticalSpacing="xs" data-testid="usage-table" miw={720}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("usage.date")}</Table.Th>
                  <Table.Th>{t("usage.item")}</Table.Th>
                  <Table.Th>{t("usage.what")}</Table.Th>
                  <Table.Th>{t("usage.credits")}</Table.Th>
                  <Table.Th>{t("usage.staff")}</Table.Th>
                  <Table.Th>{t("usage.linkedTo")}</Table.Th>
                  <Table.Th style={{ whiteSpace: "nowrap" }}>{t("usage.leftAfter")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((e) => (
                  <Table.Tr key={e.id} data-testid="usage-row" data-kind={e.kind}>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {dateTimeIn(e.occurredAt, pkg.timeZone)}
                    </Table.Td>
                    <Table.Td>{e.itemName}</Table.Td>
                    <Table.Td maw={260}>{what(e)}</Table.Td>
                    <Table.Td>{e.quantity}</Table.Td>
                    <Table.Td>{e.staffName ?? t("usage.system")}</Table.Td>
                    <Table.Td>{linkOf(e)}</Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }} data-testid="usage-after">
                      {after(e)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>{action(e)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
        <LoadMore list={usage} testId="usage-more" />
      </Modal>
      <Modal
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        title={t(`undo.title.${kind}`)}
        zIndex={400}
      >
        <Text mb="sm" data-testid="undo-what">
          {target &&
            t(`undo.what.${kind}`, {
              count: target.quantity,
              item: target.itemName,
              date: dateTimeIn(target.occurredAt, pkg.timeZone),
            })}{" "}
          {t("undo.stays")}
        </Text>
        <Textarea
          label={t("dialogs.reasonOptional")}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maxLength={500}
        />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirming(null)}>
            {t("undo.keep")}
          </Button>
          <Button color="red" loading={undo.isPending} onClick={() => confirming && undo.mutate(confirming)}>
            {t(`undo.confirm.${kind}`)}
          </Button>
        </Group>
      </Modal>
      <Modal
        opened={undoingTransfer !== null}
        onClose={() => setUndoingTransfer(null)}
        title={t("undoTransfer.title")}
        zIndex={400}
      >
        <Stack gap="sm">
          {undoTransfer.error && (
            <Alert color="red" data-testid="undo-transfer-error">
              {refusal(undoTransfer.error)}
            </Alert>
          )}
          <Text data-testid="undo-transfer-what">
            {transferTarget &&
              t(transferTarget.kind === "transfer_out" ? "undoTransfer.whatOut" : "undoTransfer.whatIn", {
                count: transferTarget.quantity,
                item: transferTarget.itemName,
                date: dateTimeIn(transferTarget.occurredAt, pkg.timeZone),
              })}{" "}
            {t("undoTransfer.all")}
          </Text>
          <Text size="sm" c="dimmed">
            {t("undoTransfer.onlyFree")} {t("undo.stays")}
          </Text>
          <Textarea
            label={t("dialogs.reasonOptional")}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={500}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setUndoingTransfer(null)}>
              {t("undo.keep")}
            </Button>
            <Button
              color="red"
              loading={undoTransfer.isPending}
              // refused for good: pressing again would only be refused again
              disabled={
                undoTransfer.error instanceof ApiError && FINAL_REFUSALS.includes(undoTransfer.error.code)
              }
              onClick={() => undoingTransfer && undoTransfer.mutate(undoingTransfer)}
            >
              {t("usage.undoTransfer")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** "Undone" in full at every width (a badge's label is cut with an ellipsis when squeezed). */
function UndoneBadge({ label }: { label: string }) {
  return (
    <Badge
      color="gray"
      data-testid="undone-badge"
      style={{ flexShrink: 0, overflow: "visible", maxWidth: "none" }}
      styles={{ label: { overflow: "visible", textOverflow: "clip" } }}
    >
      {label}
    </Badge>
  );
}
