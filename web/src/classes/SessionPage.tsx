// One class session and its roster (C1): the payment column says "Available in Package" (a package
// credit booked for it), "Package Used", the class price, or "Paid"; "Available in Package" checks the
// attendee out on a ticket covered by the package (C2). Attendees are added from the customers or
// created on the spot; a booking can be cancelled (its credit released) or marked no-show, and a
// manager can cancel the whole session, which gives every credit back and e-mails the attendees (C7).
// On a phone the roster reads as one card per attendee, its buttons on a line of their own (U3).
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
  Textarea,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { api } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { PackageIcon } from "../calendar/PackageIcon.js";
import { dateTimeIn, dayHeadingIn, money, timeRangeIn } from "../format.js";
import phone from "../reports/phone-table.module.css";
import { AddAttendee } from "./AddAttendee.js";
import { useClassesChanged, useClassSession } from "./class-queries.js";
import {
  type ClassSession,
  packageCounter,
  type RosterEntry,
  STATUS_COLOR,
  sessionNumber,
  shownStatus,
  useClassWords,
} from "./class-types.js";
import side from "./session.module.css";

/** The server's limit on a reason (src/http/schemas.ts). */
export const REASON_MAX = 500;

export function SessionPage() {
  const { sessionId = "" } = useParams<{ sessionId: string }>();
  const { t } = useTranslation("classes");
  const me = useMe();
  const { can } = useSession();
  const navigate = useNavigate();
  const words = useClassWords();
  const changed = useClassesChanged();
  const loaded = useClassSession(sessionId);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [cancelEnrolment, setCancelEnrolment] = useState<RosterEntry | null>(null);
  const [reason, setReason] = useState("");

  // One write at a time on this page: `busy` names the attendee (or "session") it is for.
  const write = useMutation({
    mutationFn: (w: { key: string; run: () => Promise<ClassSession | { ticketId: string }> }) => w.run(),
    onError: (e) => notifications.show({ color: "red", message: words(e) }),
  });
  const busy = write.isPending ? (write.variables?.key ?? null) : null;
  const act = (
    key: string,
    run: () => Promise<ClassSession>,
    done: (s: ClassSession) => void,
    message: string,
  ) =>
    write.mutate(
      { key, run },
      {
        onSuccess: (s) => {
          changed(s as ClassSession);
          notifications.show({ color: "green", message });
          done(s as ClassSession);
        },
      },
    );

  if (loaded.error) return <Alert color="red">{words(loaded.error)}</Alert>;
  const session = loaded.data;
  if (!session) return <Loader aria-label={t("session.loading")} />;
  const location = me.locations.find((l) => l.id === session.locationId) ?? me.location;
  const zone = location.timeZone;
  const status = shownStatus(session);
  const scheduled = session.status === "scheduled";
  // Once a class has ended nobody joins or cancels it; a no-show can still be marked until the
  // credit is used.
  const upcoming = status === "scheduled";
  const full = session.enrolled >= session.capacity;
  const checkout = (r: RosterEntry) =>
    write.mutate(
      { key: r.id, run: () => api.post<{ ticketId: string }>(`/api/v1/class-enrolments/${r.id}/checkout`) },
      {
        onSuccess: (res) => {
          changed();
          navigate(`/tickets/${(res as { ticketId: string }).ticketId}`);
        },
      },
    );
  const active = session.roster.filter((r) => r.status !== "cancelled");
  const cancelled = session.roster.filter((r) => r.status === "cancelled");
  const columns = { attendee: t("roster.attendee"), payment: t("roster.payment") };

  return (
    <Stack maw={1100}>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Anchor component={Link} to="/classes" size="sm">
            ← {t("title")}
          </Anchor>
          <Group gap="xs">
            <Title order={2}>{session.name}</Title>
            <Badge
              color={STATUS_COLOR[status]}
              variant="light"
              data-testid="session-status"
              data-status={status}
            >
              {t(`status.${status}`)}
            </Badge>
          </Group>
          <Text c="dimmed" size="sm" data-testid="session-when">
            {t("session.when", {
              day: dayHeadingIn(session.startAt, zone),
              time: timeRangeIn(session.startAt, session.endAt, zone),
              location: location.name,
              instructor: session.instructor.name,
            })}
          </Text>
        </Stack>
        <div className={side.side}>
          <Text fw={700} size="lg" data-testid="session-places">
            {t("places", { enrolled: session.enrolled, capacity: session.capacity })}
          </Text>
          <Text size="sm" c="dimmed">
            {t("session.price", { price: money(session.priceMinor, session.currency) })}
          </Text>
          {scheduled && can("manage_catalog") && (
            <Button size="xs" variant="light" color="red" onClick={() => setConfirmCancel(true)}>
              {t("session.cancel")}
            </Button>
          )}
        </div>
      </Group>
      {session.status === "cancelled" && <Alert color="red">{t("session.cancelledNote")}</Alert>}
      {upcoming && <AddAttendee sessionId={session.id} full={full} canCreate={can("manage_customers")} />}
      <Card withBorder p="sm">
        <Text fw={600} mb="xs">
          {t("roster.title")}
        </Text>
        {active.length === 0 ? (
          <Text c="dimmed" size="sm" data-testid="empty-roster">
            {t("roster.empty")}
          </Text>
        ) : (
          <Table verticalSpacing="sm" data-testid="roster" className={phone.table}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{columns.attendee}</Table.Th>
                <Table.Th>{columns.payment}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t("roster.actions")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {active.map((r) => (
                <Table.Tr key={r.id} data-testid="attendee" data-payment={r.payment.state}>
                  <Table.Td>
                    <Anchor component={Link} to={`/customers/${r.customer.id}`} fw={600}>
                      {r.customer.name}
                    </Anchor>
                    <Group gap={4} mt={2}>
                      {r.channel === "online" && (
                        <Badge size="xs" variant="light">
                          {t("roster.online")}
                        </Badge>
                      )}
                      {r.status === "no_show" && (
                        <Badge size="xs" color="orange" tt="none">
                          {r.review === "pending" ? t("roster.noShowToReview") : t("roster.noShow")}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td data-label={columns.payment} data-wide>
                    <Payment
                      entry={r}
                      session={session}
                      busy={busy === r.id}
                      onCheckout={can("sell_package") && scheduled ? () => checkout(r) : null}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} justify="flex-end" wrap="wrap" data-testid="attendee-actions">
                      {r.ticketId ? (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          component={Link}
                          to={`/tickets/${r.ticketId}`}
                        >
                          {t("roster.ticket")}
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
                            {t("roster.checkout")}
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
                                () => {},
                                t("roster.markedNoShow", { name: r.customer.name }),
                              )
                            }
                          >
                            {t("roster.noShowButton")}
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
                          {t("roster.cancelBooking")}
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
            {t("roster.cancelledBookings", { names: cancelled.map((r) => r.customer.name).join(", ") })}
          </Text>
        )}
      </Card>

      <Modal
        opened={cancelEnrolment !== null}
        onClose={() => setCancelEnrolment(null)}
        title={t("cancelBooking.title")}
        closeButtonProps={{ "aria-label": t("close") }}
      >
        <Text mb="md">
          {cancelEnrolment?.payment.package
            ? t("cancelBooking.withPackage", { name: cancelEnrolment?.customer.name })
            : t("cancelBooking.body", { name: cancelEnrolment?.customer.name })}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setCancelEnrolment(null)}>
            {t("cancelBooking.keep")}
          </Button>
          <Button
            color="red"
            loading={busy !== null}
            onClick={() => {
              const r = cancelEnrolment!;
              act(
                r.id,
                () => api.post<ClassSession>(`/api/v1/class-enrolments/${r.id}/cancel`),
                () => setCancelEnrolment(null),
                r.payment.package
                  ? t("cancelBooking.doneWithPackage", { name: r.customer.name })
                  : t("cancelBooking.done", { name: r.customer.name }),
              );
            }}
          >
            {t("roster.cancelBooking")}
          </Button>
        </Group>
      </Modal>

      <Modal
        opened={confirmCancel}
        onClose={() => setConfirmCancel(false)}
        title={t("cancelClass.title")}
        closeButtonProps={{ "aria-label": t("close") }}
      >
        <Stack>
          <Text>
            {t("cancelClass.body", {
              name: session.name,
              when: dateTimeIn(session.startAt, zone),
              count: active.length,
            })}
          </Text>
          <Textarea
            label={t("cancelClass.reason")}
            placeholder={t("cancelClass.reasonExample")}
            autosize
            minRows={1}
            maxLength={REASON_MAX}
            description={t("cancelClass.reasonLimit", { count: reason.length, max: REASON_MAX })}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmCancel(false)}>
              {t("cancelClass.keep")}
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
                  () => setConfirmCancel(false),
                  t("cancelClass.done"),
                )
              }
            >
              {t("session.cancel")}
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
  const { t } = useTranslation("classes");
  const pkg = r.payment.package;
  const number = sessionNumber(t, r.payment.sessions);
  const counter = pkg && (
    <Group gap={6} mt={4} align="flex-start" wrap="nowrap">
      <PackageIcon size={14} />
      <Stack gap={0}>
        <Text size="xs" c="violet.8" data-testid="package-counter">
          {r.payment.packageName}: {packageCounter(t, pkg)}
        </Text>
        {number && (
          <Text size="xs" c="dimmed" data-testid="session-number">
            {number}
          </Text>
        )}
      </Stack>
    </Group>
  );
  if (session.status === "cancelled")
    return (
      <Text size="sm" c="dimmed" data-testid="payment">
        {t("payment.classCancelled")}
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
              title={t("payment.checkoutHint")}
            >
              {t("payment.available")}
            </Button>
          ) : (
            <Badge color="violet" variant="light" size="lg" tt="none">
              {t("payment.available")}
            </Badge>
          )}
          {counter}
        </div>
      );
    case "package_used":
      return (
        <div data-testid="payment">
          <Badge color="gray" variant="filled" size="lg" tt="none">
            {t("payment.used")}
          </Badge>
          {counter}
        </div>
      );
    case "paid":
      return (
        <div data-testid="payment">
          <Badge color="green" size="lg" tt="none">
            {t("payment.paid")}
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
