// One class session and its roster (C1): the payment column says "Available in Package" (a package
// credit booked for it), "Package Used", the class price, or "Paid"; "Available in Package" checks the
// attendee out on a ticket covered by the package (C2). Attendees are added from the customers or
// created on the spot; a booking can be cancelled (its credit released) or marked no-show, and a
// manager can cancel the whole session, which gives every credit back and e-mails the attendees (C7).
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { PackageIcon } from "../calendar/PackageIcon.js";
import { dateTimeIn, money } from "../format.js";
import { AddAttendee } from "./AddAttendee.js";
import {
  type ClassSession,
  classWords,
  packageCounter,
  type RosterEntry,
  STATUS_COLOR,
  shownStatus,
} from "./class-types.js";

export function SessionPage() {
  const { sessionId } = useParams<{ sessionId: string }>();
  const me = useMe();
  const { can } = useSession();
  const navigate = useNavigate();
  const [session, setSession] = useState<ClassSession | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [cancelEnrolment, setCancelEnrolment] = useState<RosterEntry | null>(null);
  const [reason, setReason] = useState("");

  const load = useCallback(() => {
    api.get<ClassSession>(`/api/v1/class-sessions/${sessionId}`).then(
      (s) => {
        setSession(s);
        setError(null);
      },
      (e) => setError(classWords(e)),
    );
  }, [sessionId]);
  useEffect(load, [load]);

  async function act<T>(key: string, work: () => Promise<T>, done: (r: T) => void, message?: string) {
    setBusy(key);
    try {
      const r = await work();
      if (message) notifications.show({ color: "green", message });
      done(r);
    } catch (e) {
      notifications.show({ color: "red", message: classWords(e) });
    } finally {
      setBusy(null);
    }
  }

  if (error) return <Alert color="red">{error}</Alert>;
  if (!session) return <Loader aria-label="Loading the class" />;
  const location = me.locations.find((l) => l.id === session.locationId) ?? me.location;
  const status = shownStatus(session);
  const scheduled = session.status === "scheduled";
  // Once a class has ended nobody joins or cancels it; a no-show can still be marked until the
  // credit is used.
  const upcoming = status === "scheduled";
  const full = session.enrolled >= session.capacity;
  const checkout = (r: RosterEntry) =>
    act(
      r.id,
      () => api.post<{ ticketId: string }>(`/api/v1/class-enrolments/${r.id}/checkout`),
      (t) => navigate(`/tickets/${t.ticketId}`),
    );
  const active = session.roster.filter((r) => r.status !== "cancelled");
  const cancelled = session.roster.filter((r) => r.status === "cancelled");

  return (
    <Stack maw={1100}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Anchor component={Link} to="/classes" size="sm">
            ← Classes
          </Anchor>
          <Group gap="xs">
            <Title order={2}>{session.name}</Title>
            <Badge color={STATUS_COLOR[status]} variant="light" data-testid="session-status">
              {status}
            </Badge>
          </Group>
          <Text c="dimmed" size="sm">
            {dateTimeIn(session.startAt, location.timeZone)} –{" "}
            {dateTimeIn(session.endAt, location.timeZone).split(", ").pop()} · {location.name} · with{" "}
            {session.instructor.name}
          </Text>
        </Stack>
        <Stack gap={4} align="flex-end">
          <Text fw={700} size="lg" data-testid="session-places">
            {session.enrolled}/{session.capacity} booked
          </Text>
          <Text size="sm" c="dimmed">
            {money(session.priceMinor, session.currency)} without a package
          </Text>
          {scheduled && can("manage_catalog") && (
            <Button size="xs" variant="light" color="red" onClick={() => setConfirmCancel(true)}>
              Cancel session
            </Button>
          )}
        </Stack>
      </Group>
      {session.status === "cancelled" && (
        <Alert color="red">This class was cancelled: every package credit went back to its package.</Alert>
      )}
      {upcoming && (
        <AddAttendee
          sessionId={session.id}
          full={full}
          canCreate={can("manage_customers")}
          onAdded={(s) => setSession(s)}
        />
      )}
      <Card withBorder p="sm">
        <Text fw={600} mb="xs">
          Roster
        </Text>
        {active.length === 0 ? (
          <Text c="dimmed" size="sm" data-testid="empty-roster">
            Nobody is booked on this class yet.
          </Text>
        ) : (
          <Table verticalSpacing="sm" data-testid="roster">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Attendee</Table.Th>
                <Table.Th>Payment</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {active.map((r) => (
                <Table.Tr key={r.id} data-testid="attendee" data-payment={r.payment.state}>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/customers/${r.customer.id}`}
                      fw={600}
                      style={{ whiteSpace: "nowrap" }}
                    >
                      {r.customer.name}
                    </Anchor>
                    <Group gap={4} mt={2}>
                      {r.channel === "online" && (
                        <Badge size="xs" variant="light">
                          online
                        </Badge>
                      )}
                      {r.status === "no_show" && (
                        <Badge size="xs" color="orange">
                          no-show{r.review === "pending" ? " · to review" : ""}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Payment
                      entry={r}
                      session={session}
                      busy={busy === r.id}
                      onCheckout={can("sell_package") && scheduled ? () => checkout(r) : null}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} justify="flex-end" wrap="wrap">
                      {r.ticketId ? (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          component={Link}
                          to={`/tickets/${r.ticketId}`}
                        >
                          Ticket
                        </Button>
                      ) : (
                        r.status === "enrolled" &&
                        scheduled &&
                        can("sell_package") &&
                        r.payment.state === "price" && (
                          <Button
                            size="compact-sm"
                            variant="default"
                            loading={busy === r.id}
                            onClick={() => checkout(r)}
                          >
                            Checkout
                          </Button>
                        )
                      )}
                      {r.status === "enrolled" &&
                        scheduled &&
                        !r.ticketId &&
                        r.payment.state !== "package_used" && (
                          <Button
                            size="compact-sm"
                            variant="default"
                            color="orange"
                            disabled={busy !== null}
                            onClick={() =>
                              act(
                                r.id,
                                () => api.post<ClassSession>(`/api/v1/class-enrolments/${r.id}/no-show`),
                                setSession,
                                `${r.customer.name} marked as a no-show.`,
                              )
                            }
                          >
                            No-show
                          </Button>
                        )}
                      {r.status === "enrolled" && upcoming && !r.ticketId && (
                        <Button
                          size="compact-sm"
                          variant="light"
                          color="red"
                          disabled={busy !== null}
                          onClick={() => setCancelEnrolment(r)}
                        >
                          Cancel booking
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {cancelled.length > 0 && (
          <Text size="sm" c="dimmed" mt="sm" data-testid="cancelled-bookings">
            Cancelled bookings: {cancelled.map((r) => r.customer.name).join(", ")}
          </Text>
        )}
      </Card>

      <Modal
        opened={cancelEnrolment !== null}
        onClose={() => setCancelEnrolment(null)}
        title="Cancel this booking?"
      >
        <Text mb="md">
          {cancelEnrolment?.customer.name} leaves the class.
          {cancelEnrolment?.payment.package ? " The package credit is released back to the package." : ""}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setCancelEnrolment(null)}>
            Keep it
          </Button>
          <Button
            color="red"
            loading={busy !== null}
            onClick={() => {
              const r = cancelEnrolment!;
              act(
                r.id,
                () => api.post<ClassSession>(`/api/v1/class-enrolments/${r.id}/cancel`),
                (s) => {
                  setCancelEnrolment(null);
                  setSession(s);
                },
                r.payment.package
                  ? `${r.customer.name}'s booking is cancelled; the credit is back on the package.`
                  : `${r.customer.name}'s booking is cancelled.`,
              );
            }}
          >
            Cancel booking
          </Button>
        </Group>
      </Modal>

      <Modal opened={confirmCancel} onClose={() => setConfirmCancel(false)} title="Cancel this class?">
        <Stack>
          <Text>
            {session.name} on {dateTimeIn(session.startAt, location.timeZone)} is cancelled for everyone.
            Every package credit booked or used for it goes back to its package, and the {active.length}{" "}
            attendee
            {active.length === 1 ? "" : "s"} with an e-mail address are told.
          </Text>
          <TextInput
            label="Reason (in the e-mail)"
            placeholder="e.g. the instructor is ill"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmCancel(false)}>
              Keep the class
            </Button>
            <Button
              color="red"
              loading={busy === "session"}
              onClick={() =>
                act(
                  "session",
                  () =>
                    api.post<ClassSession>(
                      `/api/v1/class-sessions/${session.id}/cancel`,
                      reason.trim() ? { reason: reason.trim() } : {},
                    ),
                  (s) => {
                    setConfirmCancel(false);
                    setSession(s);
                  },
                  "Class cancelled; credits restored and attendees e-mailed.",
                )
              }
            >
              Cancel session
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function Payment({
  entry: r,
  session,
  busy,
  onCheckout,
}: {
  entry: RosterEntry;
  session: ClassSession;
  busy: boolean;
  onCheckout: (() => void) | null;
}) {
  const pkg = r.payment.package;
  const counter = pkg && (
    <Group gap={6} mt={4} align="flex-start" wrap="nowrap">
      <PackageIcon size={14} />
      <Text size="xs" c="violet.8" data-testid="package-counter">
        {r.payment.packageName}: {packageCounter(pkg)}
      </Text>
    </Group>
  );
  if (session.status === "cancelled")
    return (
      <Text size="sm" c="dimmed" data-testid="payment">
        Class cancelled: nothing to pay
      </Text>
    );
  switch (r.payment.state) {
    case "available_in_package":
      return (
        <div data-testid="payment">
          {onCheckout && r.status === "enrolled" ? (
            <Button
              size="compact-sm"
              color="violet"
              variant="light"
              loading={busy}
              onClick={onCheckout}
              title="Check out on a ticket covered by the package"
            >
              Available in Package
            </Button>
          ) : (
            <Badge color="violet" variant="light" size="lg" tt="none">
              Available in Package
            </Badge>
          )}
          {counter}
        </div>
      );
    case "package_used":
      return (
        <div data-testid="payment">
          <Badge color="gray" variant="filled" size="lg" tt="none">
            Package Used
          </Badge>
          {counter}
        </div>
      );
    case "paid":
      return (
        <div data-testid="payment">
          <Badge color="green" size="lg" tt="none">
            Paid
          </Badge>
        </div>
      );
    default:
      return (
        <div data-testid="payment">
          <Text fw={600}>{money(r.payment.priceMinor, session.currency)}</Text>
        </div>
      );
  }
}
