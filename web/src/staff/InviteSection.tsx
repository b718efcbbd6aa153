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
import { useCallback, useEffect, useState } from "react";
import { api, plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { dateTimeIn, ROLE_LABEL } from "../format.js";
import { type FormError, formError } from "../onboarding/field-error.js";
import type { Invitation, Role } from "../types.js";
import { ROLES } from "./types.js";

const FIELDS = ["name", "email", "role", "homeLocationId"];

export function InviteSection({ onChange }: { onChange?: () => void }) {
  const me = useMe();
  const zone = me.location.timeZone;
  const [invitations, setInvitations] = useState<Invitation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("practitioner");
  const [home, setHome] = useState<string>(me.location.id);
  const [formErr, setFormErr] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api.get<Invitation[]>("/api/v1/staff/invitations").then(
      (rows) => {
        setInvitations(rows);
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, []);
  useEffect(load, [load]);

  async function invite(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFormErr(null);
    try {
      await api.post("/api/v1/staff/invitations", {
        name: name.trim(),
        email: email.trim(),
        role,
        homeLocationId: home,
      });
      notifications.show({ color: "green", message: `Invitation sent to ${email.trim()}.` });
      setName("");
      setEmail("");
      load();
      onChange?.();
    } catch (err) {
      setFormErr(formError(err));
    } finally {
      setBusy(false);
    }
  }

  async function act(invitation: Invitation, action: "resend" | "cancel") {
    try {
      if (action === "resend") await api.post(`/api/v1/staff/invitations/${invitation.id}/resend`);
      else await api.del(`/api/v1/staff/invitations/${invitation.id}`);
      notifications.show({
        message:
          action === "resend"
            ? `A new link was sent to ${invitation.email}; the old one no longer works.`
            : `The invitation of ${invitation.email} is cancelled; its link no longer works.`,
      });
      load();
    } catch (err) {
      notifications.show({ color: "red", message: plainWords(err) });
    }
  }

  const at = (field: string) => (formErr?.field === field ? formErr.text : undefined);
  const locationName = (id: string) => me.locations.find((l) => l.id === id)?.name ?? "";
  return (
    <Stack data-testid="invitations">
      <Title order={3}>Invite staff</Title>
      <Paper withBorder p="sm" component="form" onSubmit={invite} noValidate aria-label="Invite staff">
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Name"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              maxLength={200}
              error={at("name")}
            />
            <TextInput
              label="E-mail"
              required
              type="email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              maxLength={254}
              error={at("email")}
            />
            <Select
              label="Role"
              data={ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] ?? r }))}
              value={role}
              onChange={(v) => v && setRole(v as Role)}
              allowDeselect={false}
              error={at("role")}
            />
            <Select
              label="Home location"
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
              They get an e-mail with a link to set their password. The link works once, for 7 days.
            </Text>
            <Button type="submit" loading={busy}>
              Send invitation
            </Button>
          </Group>
        </Stack>
      </Paper>

      <Title order={4}>Waiting to accept</Title>
      {error && <Alert color="red">{error}</Alert>}
      {invitations?.length === 0 && (
        <Text size="sm" c="dimmed">
          No open invitations.
        </Text>
      )}
      {invitations?.map((inv) => (
        <Paper key={inv.id} withBorder p="sm" data-testid="invitation">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={2} flex="1 1 240px" miw={0}>
              <Group gap="xs">
                <Text fw={600}>{inv.name}</Text>
                <Badge variant="light" size="sm">
                  {ROLE_LABEL[inv.role] ?? inv.role}
                </Badge>
                <Badge variant="light" size="sm" color={inv.status === "pending" ? "blue" : "gray"}>
                  {inv.status === "pending" ? "Pending" : "Link expired"}
                </Badge>
              </Group>
              <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                {inv.email}
              </Text>
              <Text size="sm" c="dimmed">
                {locationName(inv.homeLocationId)} · sent {dateTimeIn(inv.sentAt, zone)} ·{" "}
                {inv.status === "pending" ? "link valid until" : "link expired"}{" "}
                {dateTimeIn(inv.expiresAt, zone)}
              </Text>
            </Stack>
            <Group gap="xs">
              <Button
                size="xs"
                variant="light"
                onClick={() => act(inv, "resend")}
                aria-label={`Resend to ${inv.email}`}
              >
                Resend
              </Button>
              <Button
                size="xs"
                variant="subtle"
                color="red"
                onClick={() => act(inv, "cancel")}
                aria-label={`Cancel invitation of ${inv.email}`}
              >
                Cancel
              </Button>
            </Group>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
