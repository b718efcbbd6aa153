// L5 View Usage: every movement of a package, with Undo for managers and owners (L6).
import { Alert, Badge, Button, Group, Loader, Modal, ScrollArea, Table, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { dateTimeIn, MOVEMENT_LABEL } from "../format.js";
import type { Package, UsageEntry } from "../types.js";

function linkOf(e: UsageEntry): string {
  if (e.appointmentId) return `Appointment ${e.appointmentId.slice(0, 8)}`;
  if (e.ticketLineId) return `Ticket ${e.ticketLineId.slice(0, 8)}`;
  if (e.classEnrolmentId) return `Class ${e.classEnrolmentId.slice(0, 8)}`;
  return "—";
}

export function UsageModal({
  pkg,
  onClose,
  onChanged,
}: {
  pkg: Package;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { can } = useSession();
  const [entries, setEntries] = useState<UsageEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<UsageEntry | null>(null);
  // What the confirmation talks about, kept while it fades out after closing.
  const [target, setTarget] = useState<UsageEntry | null>(null);
  const ask = (e: UsageEntry) => {
    setTarget(e);
    setConfirming(e);
  };
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api
      .get<UsageEntry[]>(`/api/v1/packages/${pkg.id}/usage`)
      .then(setEntries, (e) => setError(plainWords(e)));
  }, [pkg.id]);
  useEffect(load, [load]);

  async function undo() {
    if (!confirming) return;
    setBusy(true);
    try {
      await api.post(
        `/api/v1/movements/${confirming.id}/undo`,
        reason.trim() ? { reason: reason.trim() } : {},
      );
      notifications.show({ color: "green", message: "Undone: the credit is back on the package." });
      setConfirming(null);
      setReason("");
      load();
      onChanged();
    } catch (e) {
      notifications.show({ color: "red", title: "Not undone", message: plainWords(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Modal opened onClose={onClose} title={`Usage of ${pkg.name}`} size="xl">
        {error && <Alert color="red">{error}</Alert>}
        {!entries && !error && <Loader />}
        {entries && entries.length === 0 && <Text c="dimmed">Nothing has happened on this package yet.</Text>}
        {entries && entries.length > 0 && (
          <ScrollArea>
            <Table striped verticalSpacing="xs" data-testid="usage-table" miw={640}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Date</Table.Th>
                  <Table.Th>Item</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th>Qty</Table.Th>
                  <Table.Th>Staff</Table.Th>
                  <Table.Th>Linked to</Table.Th>
                  <Table.Th>After</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((e) => (
                  <Table.Tr key={e.id} data-testid="usage-row" data-kind={e.kind}>
                    <Table.Td>{dateTimeIn(e.occurredAt, pkg.timeZone)}</Table.Td>
                    <Table.Td>{e.itemName}</Table.Td>
                    <Table.Td>
                      {MOVEMENT_LABEL[e.kind] ?? e.kind}
                      {e.reason && (
                        <Text size="xs" c="dimmed">
                          {e.reason}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{e.quantity}</Table.Td>
                    <Table.Td>{e.staffName ?? "System"}</Table.Td>
                    <Table.Td>{linkOf(e)}</Table.Td>
                    <Table.Td>
                      {e.after.remaining}/{e.after.total}
                    </Table.Td>
                    <Table.Td>
                      {e.undone ? (
                        <Badge color="gray" data-testid="undone-badge">
                          Undone
                        </Badge>
                      ) : (
                        can("undo") &&
                        e.undoable && (
                          <Button size="compact-xs" variant="light" color="red" onClick={() => ask(e)}>
                            Undo
                          </Button>
                        )
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
      </Modal>
      <Modal
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        title="Undo this redemption?"
        zIndex={400}
      >
        <Text mb="sm">
          {target &&
            `${MOVEMENT_LABEL[target.kind]} of ${target.quantity} × ${target.itemName} on ${dateTimeIn(target.occurredAt, pkg.timeZone)}`}{" "}
          will be undone and the credit returned to the package. The entry stays in the history, marked
          undone.
        </Text>
        <Textarea
          label="Reason (optional)"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maxLength={500}
        />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirming(null)}>
            Keep it
          </Button>
          <Button color="red" loading={busy} onClick={undo}>
            Undo redemption
          </Button>
        </Group>
      </Modal>
    </>
  );
}
