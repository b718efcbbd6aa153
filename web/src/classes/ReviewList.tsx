// No-shows to review (C4): under the "staff review" policy a no-show's credit stays booked until
// someone decides to use it (the class counts as taken) or release it (the credit goes back).
import { Anchor, Button, Card, Group, Loader, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { api } from "../api.js";
import { dateTimeIn } from "../format.js";
import { classWords, type ReviewEntry } from "./class-types.js";

export function ReviewList() {
  const [rows, setRows] = useState<ReviewEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = useCallback(() => {
    api.get<ReviewEntry[]>("/api/v1/class-reviews").then(
      (r) => {
        setRows(r);
        setError(null);
      },
      (e) => setError(classWords(e)),
    );
  }, []);
  useEffect(load, [load]);

  async function decide(r: ReviewEntry, decision: "consume" | "release") {
    setBusy(r.enrolmentId);
    try {
      await api.post(`/api/v1/class-enrolments/${r.enrolmentId}/review`, { decision });
      notifications.show({
        color: "green",
        message:
          decision === "consume"
            ? `${r.customerName}'s credit is used for the missed class.`
            : `${r.customerName}'s credit is back on the package.`,
      });
      load();
    } catch (e) {
      notifications.show({ color: "red", message: classWords(e) });
    } finally {
      setBusy(null);
    }
  }

  return (
    <Card withBorder p="sm" data-testid="review-list">
      <Text fw={600}>No-shows to review</Text>
      <Text size="sm" c="dimmed" mb="xs">
        A no-show's package credit stays booked until you decide: use it for the missed class, or give it
        back.
      </Text>
      {error ? (
        <Text c="red.8">{error}</Text>
      ) : rows === null ? (
        <Loader size="sm" aria-label="Loading no-shows" />
      ) : rows.length === 0 ? (
        <Text c="dimmed" size="sm">
          Nothing to review: every no-show has been decided.
        </Text>
      ) : (
        <Table verticalSpacing="xs">
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.enrolmentId} data-testid="review-row">
                <Table.Td fw={600}>{r.customerName}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/classes/${r.sessionId}`} size="sm">
                    {r.className}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {dateTimeIn(r.startAt, r.timeZone)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="wrap">
                    <Button
                      size="compact-sm"
                      variant="light"
                      color="red"
                      loading={busy === r.enrolmentId}
                      onClick={() => decide(r, "consume")}
                    >
                      Use the credit
                    </Button>
                    <Button
                      size="compact-sm"
                      variant="default"
                      loading={busy === r.enrolmentId}
                      onClick={() => decide(r, "release")}
                    >
                      Give it back
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
