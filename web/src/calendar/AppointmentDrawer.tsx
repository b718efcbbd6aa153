// One appointment's details and what may be done with it (A4–A9): each action shows only when the
// role may do it and the appointment and the customer's packages allow it (S1), so no button fails.
import { Alert, Badge, Button, Drawer, Group, Modal, Stack, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Appointment } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { dayHeadingIn, money, timeRangeIn } from "../format.js";
import { pauseAt } from "../packages/pauses.js";
import { STATUS_COLOR } from "./legend.js";
import { PackageIcon } from "./PackageIcon.js";
import { afterAppointmentChange, putAppointment, useAvailablePackages } from "./queries.js";

type Service = Appointment["services"][number];
interface RedeemPrompt {
  serviceId: string;
  packageLineId: string;
  packageName: string;
}

/** U1: one wording per meaning: which session this booking is, and what became of its credit. */
export function sessionWords(t: (key: string, o?: Record<string, unknown>) => string, s: Service): string {
  const f = s.fromPackage;
  if (!f) return "";
  const which = !f.session
    ? ""
    : f.session.unlimited
      ? t("drawer.sessionUnlimited", { number: f.session.number })
      : t("drawer.session", { number: f.session.number, total: f.session.total });
  const state = t(`drawer.credit.${f.state}`);
  return which ? t("drawer.sessionState", { session: which, state }) : state;
}

export function AppointmentDrawer({
  appointment: a,
  onClose,
  onChanged,
}: {
  appointment: Appointment;
  onClose: () => void;
  onChanged: (a: Appointment) => void;
}) {
  const { t } = useTranslation("calendar");
  const me = useMe();
  const { can } = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const phone = useMediaQuery("(max-width: 36em)");
  const zone = me.location.timeZone;
  const [prompt, setPrompt] = useState<RedeemPrompt | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const open = a.status === "booked" || a.status === "checked_in";
  const base = `/api/v1/appointments/${a.id}`;
  const mayBook = can("redeem");
  // "Use package" only for a service one of the customer's packages covers here, with a credit left,
  // and not paused at the appointment's time (G4).
  const packages = useAvailablePackages(open && mayBook && !a.ticketId ? a.customer.id : null);
  const covers = (itemId: string) =>
    packages.data?.some(
      (p) => !pauseAt(p, a.startAt) && p.lines.some((l) => l.itemId === itemId && l.remaining > 0),
    ) ?? false;

  const changed = (r: Appointment, message?: string) => {
    putAppointment(client, r);
    afterAppointmentChange(client, r.customer.id);
    if (message) notifications.show({ color: "green", message });
    onChanged(r);
  };
  const failed = (e: unknown) => notifications.show({ color: "red", message: plainWords(e) });

  const cover = useMutation({
    mutationFn: (v: { serviceId: string; body: Record<string, string> }) =>
      api.post<Appointment>(`${base}/services/${v.serviceId}/coverage`, v.body),
    onSuccess: (r, v) => {
      if (v.body.packageLineId) setPrompt(null);
      changed(r, v.body.mode === "package" ? t("drawer.bookedFromPackage") : t("drawer.charged"));
    },
    onError: failed,
  });
  const checkIn = useMutation({
    mutationFn: () =>
      api.post<{ appointment: Appointment; redeemPrompt: RedeemPrompt | null }>(`${base}/check-in`),
    onSuccess: (r) => {
      changed(r.appointment, t("drawer.checkedIn"));
      setPrompt(r.redeemPrompt);
    },
    onError: failed,
  });
  const noShow = useMutation({
    mutationFn: () => api.post<Appointment>(`${base}/no-show`),
    onSuccess: (r) => changed(r, t("drawer.markedNoShow")),
    onError: failed,
  });
  const cancel = useMutation({
    mutationFn: () => api.post<Appointment>(`${base}/cancel`),
    onSuccess: (r) => {
      setConfirmCancel(false);
      changed(r, a.fromPackage ? t("drawer.cancelledCreditBack") : t("drawer.cancelled"));
    },
    onError: failed,
  });
  const checkout = useMutation({
    mutationFn: () => api.post<{ ticketId: string }>(`${base}/checkout`),
    onSuccess: (r) => {
      afterAppointmentChange(client, a.customer.id, true);
      navigate(`/tickets/${r.ticketId}`);
    },
    onError: failed,
  });
  const busy =
    cover.isPending || checkIn.isPending || noShow.isPending || cancel.isPending || checkout.isPending;
  const promptService = prompt && a.services.find((s) => s.id === prompt.serviceId);

  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      title={a.customer.name}
      size={phone ? "100%" : "md"}
      closeButtonProps={{ "aria-label": t("drawer.close") }}
    >
      <Stack data-testid="appointment-details">
        <Text size="sm" data-testid="appointment-when">
          {t("drawer.when", {
            day: dayHeadingIn(a.startAt, zone),
            time: timeRangeIn(a.startAt, a.endAt, zone),
            staff: a.staff.name,
          })}
        </Text>
        <Group gap="xs">
          <Badge color={STATUS_COLOR[a.status]} data-testid="appointment-status">
            {t(`status.${a.status}`)}
          </Badge>
          {a.channel === "online" && <Badge variant="light">{t("drawer.online")}</Badge>}
        </Group>
        {a.services.map((s) => (
          <Group
            key={s.id}
            justify="space-between"
            align="flex-start"
            wrap="nowrap"
            data-testid="appointment-service"
          >
            <Stack gap={0}>
              <Group gap={6}>
                <Text fw={600}>{s.name}</Text>
                {s.fromPackage && (
                  <Badge color="violet" leftSection={<PackageIcon size={12} />}>
                    {t("package")}
                  </Badge>
                )}
              </Group>
              {s.fromPackage && (
                <Text size="xs" c="violet.8" data-testid="sessions">
                  {t("drawer.fromPackage", { package: s.fromPackage.packageName, words: sessionWords(t, s) })}
                </Text>
              )}
            </Stack>
            <Stack gap={4} align="flex-end">
              <Text>{money(s.priceMinor, me.location.currency)}</Text>
              {open && !a.ticketId && mayBook && (s.fromPackage || covers(s.itemId)) && (
                <Button
                  size="compact-xs"
                  variant="subtle"
                  disabled={busy}
                  onClick={() =>
                    cover.mutate({
                      serviceId: s.id,
                      body: s.fromPackage ? { mode: "paying" } : { mode: "package" },
                    })
                  }
                >
                  {s.fromPackage ? t("drawer.chargeInstead") : t("drawer.usePackage")}
                </Button>
              )}
            </Stack>
          </Group>
        ))}
        {open && (mayBook || can("sell_package")) && (
          <Group gap="xs">
            {a.status === "booked" && mayBook && (
              <Button size="xs" loading={checkIn.isPending} disabled={busy} onClick={() => checkIn.mutate()}>
                {t("drawer.checkIn")}
              </Button>
            )}
            {can("sell_package") && (
              <Button
                size="xs"
                variant="default"
                loading={checkout.isPending}
                disabled={busy}
                onClick={() => checkout.mutate()}
              >
                {t("drawer.checkout")}
              </Button>
            )}
            {mayBook && (
              <Button
                size="xs"
                variant="default"
                loading={noShow.isPending}
                disabled={busy}
                onClick={() => noShow.mutate()}
              >
                {t("drawer.noShow")}
              </Button>
            )}
            {mayBook && (
              <Button
                size="xs"
                variant="light"
                color="red"
                disabled={busy}
                onClick={() => setConfirmCancel(true)}
              >
                {t("drawer.cancelAppointment")}
              </Button>
            )}
          </Group>
        )}
        {a.ticketId && (
          <Button size="xs" variant="subtle" onClick={() => navigate(`/tickets/${a.ticketId}`)}>
            {t("drawer.openTicket")}
          </Button>
        )}
      </Stack>
      <Modal opened={prompt !== null} onClose={() => setPrompt(null)} title={t("drawer.redeemTitle")}>
        <Text mb="md">
          {t("drawer.redeemQuestion", {
            service: promptService?.name ?? "",
            package: prompt?.packageName ?? "",
          })}
        </Text>
        {cover.error ? <Alert color="red">{plainWords(cover.error)}</Alert> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setPrompt(null)}>
            {t("drawer.redeemNo")}
          </Button>
          <Button
            data-autofocus
            loading={cover.isPending}
            onClick={() =>
              prompt &&
              cover.mutate({
                serviceId: prompt.serviceId,
                body: { mode: "package", packageLineId: prompt.packageLineId },
              })
            }
          >
            {t("drawer.redeemYes")}
          </Button>
        </Group>
      </Modal>
      <Modal opened={confirmCancel} onClose={() => setConfirmCancel(false)} title={t("drawer.cancelTitle")}>
        <Text mb="md">{a.fromPackage ? t("drawer.cancelCreditBack") : t("drawer.cancelPaid")}</Text>
        <Group justify="flex-end">
          <Button variant="default" data-autofocus onClick={() => setConfirmCancel(false)}>
            {t("drawer.keep")}
          </Button>
          <Button color="red" loading={cancel.isPending} onClick={() => cancel.mutate()}>
            {t("drawer.cancelAppointment")}
          </Button>
        </Group>
      </Modal>
    </Drawer>
  );
}
