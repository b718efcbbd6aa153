// O2: the owner invites a person by e-mail (name, e-mail, role, home location); the e-mail carries a
// link to set a password, which works once and for 7 days. Open invitations are listed below the
// form with Resend (a new link; the old one stops working) and Cancel. The invitation routes are
// src/http/routes/accounts.ts.
import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Invitation, Role } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { dateTimeIn, roleLabel } from "../format.js";
import { formError } from "../onboarding/field-error.js";
import { ROLES } from "./roles.js";

const FIELDS = ["name", "email", "role", "homeLocationId"];
const INVITATIONS = ["staff", "invitations"];

export function InviteSection() {
  const me = useMe();
  const { t } = useTranslation("staff");
  const queryClient = useQueryClient();
  const zone = me.location.timeZone;
  const invitations = useQuery({
    queryKey: INVITATIONS,
    queryFn: () => api.get<Invitation[]>("/api/v1/staff/invitations"),
  });
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("practitioner");
  const [home, setHome] = useState<string>(me.location.id);

  const invite = useMutation({
    mutationFn: (body: { name: string; email: string; role: Role; homeLocationId: string }) =>
      api.post("/api/v1/staff/invitations", body),
    onSuccess: (_, body) => {
      notifications.show({ color: "green", message: t("invite.sent", { email: body.email }) });
      setName("");
      setEmail("");
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: INVITATIONS }),
  });

  const act = useMutation({
    mutationFn: ({ invitation, action }: { invitation: Invitation; action: "resend" | "cancel" }) =>
      action === "resend"
        ? api.post(`/api/v1/staff/invitations/${invitation.id}/resend`)
        : api.del(`/api/v1/staff/invitations/${invitation.id}`),
    onSuccess: (_, { invitation, action }) =>
      notifications.show({
        message:
          action === "resend"
            ? t("invite.resent", { email: invitation.email })
            : t("invite.cancelled", { email: invitation.email }),
      }),
    onError: (err) => notifications.show({ color: "red", message: plainWords(err) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: INVITATIONS }),
  });

  const formErr = invite.error ? formError(invite.error) : null;
  const at = (field: string) => (formErr?.field === field ? formErr.text : undefined);
  const locationName = (id: string) => me.locations.find((l) => l.id === id)?.name ?? "";
  return (
    <Stack data-testid="invitations">
      <Title order={3}>{t("invite.title")}</Title>
      <Paper
        withBorder
        p="sm"
        component="form"
        onSubmit={(e: React.FormEvent) => {
          e.preventDefault();
          invite.mutate({ name: name.trim(), email: email.trim(), role, homeLocationId: home });
        }}
        noValidate
        aria-label={t("invite.title")}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t("invite.name")}
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              maxLength={200}
              error={at("name")}
            />
            <TextInput
              label={t("invite.email")}
              required
              type="email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              maxLength={254}
              error={at("email")}
            />
            <Select
              label={t("invite.role")}
              data={ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
              value={role}
              onChange={(v) => v && setRole(v as Role)}
              allowDeselect={false}
              error={at("role")}
            />
            <Select
              label={t("invite.home")}
              data={me.locations.map((l) => ({ value: l.id, label: l.name }))}
              value={home}
              onChange={(v) => v && setHome(v)}
              allowDeselect={false}
              error={at("homeLocationId")}
            />
          </SimpleGrid>
          {formErr && !FIELDS.includes(formErr.field ?? "") && <Alert color="red">{formErr.text}</Alert>}
          <Group justify="space-between" wrap="wrap">
            <Text size="xs" c="dimmed">
              {t("invite.hint")}
            </Text>
            <Button type="submit" loading={invite.isPending}>
              {t("invite.submit")}
            </Button>
          </Group>
        </Stack>
      </Paper>

      <Title order={4}>{t("invite.waiting")}</Title>
      {invitations.error && <Alert color="red">{plainWords(invitations.error)}</Alert>}
      {invitations.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("invite.none")}
        </Text>
      )}
      {invitations.data?.map((inv) => (
        <Paper key={inv.id} withBorder p="sm" data-testid="invitation">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={2} flex="1 1 240px" miw={0}>
              <Group gap="xs">
                <Text fw={600}>{inv.name}</Text>
                <Badge variant="light" size="sm">
                  {roleLabel(inv.role)}
                </Badge>
                <Badge variant="light" size="sm" color={inv.status === "pending" ? "blue" : "gray"}>
                  {inv.status === "pending" ? t("invite.pending") : t("invite.expired")}
                </Badge>
              </Group>
              <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                {inv.email}
              </Text>
              <Text size="sm" c="dimmed">
                {t(inv.status === "pending" ? "invite.sentValid" : "invite.sentExpired", {
                  location: locationName(inv.homeLocationId),
                  sent: dateTimeIn(inv.sentAt, zone),
                  until: dateTimeIn(inv.expiresAt, zone),
                })}
              </Text>
            </Stack>
            <Group gap="xs">
              <Button
                size="xs"
                variant="light"
                onClick={() => act.mutate({ invitation: inv, action: "resend" })}
                aria-label={t("invite.resendTo", { email: inv.email })}
              >
                {t("invite.resend")}
              </Button>
              <Button
                size="xs"
                variant="subtle"
                color="red"
                onClick={() => act.mutate({ invitation: inv, action: "cancel" })}
                aria-label={t("invite.cancelOf", { email: inv.email })}
              >
                {t("common:actions.cancel")}
              </Button>
            </Group>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
