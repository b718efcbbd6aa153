// O2: the Staff screen, for owners and managers. The owner invites people, changes roles and
// deactivates or reactivates members (a deactivated member is signed out at once everywhere, their
// API tokens stop working, they leave the calendar and online booking, and their history stays).
// Managers and the owner set working hours per location and manage API tokens. Each control is shown
// only to the roles the server allows it (src/domain/permissions.ts): manage_staff is the owner's,
// manage_working_hours and manage_api_tokens are managers' too. On a phone, members are cards.
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { ROLE_LABEL } from "../format.js";
import type { Role } from "../types.js";
import { ApiTokensSection } from "./ApiTokensSection.js";
import { InviteSection } from "./InviteSection.js";
import { type Member, ROLES } from "./types.js";
import { WorkingHoursModal } from "./WorkingHoursModal.js";

type Pending =
  | { kind: "role"; member: Member; role: Role }
  | { kind: "deactivate"; member: Member }
  | { kind: "reactivate"; member: Member };

export function StaffPage() {
  const me = useMe();
  const { can, refresh } = useSession();
  const owner = can("manage_staff");
  const mobile = useMediaQuery("(max-width: 48em)");
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [hoursOf, setHoursOf] = useState<Member | null>(null);

  const load = useCallback(() => {
    api.get<Member[]>("/api/v1/staff").then(
      (rows) => {
        // the active first, each group by name as the server sorts it
        setMembers([...rows.filter((m) => m.active), ...rows.filter((m) => !m.active)]);
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, []);
  useEffect(load, [load]);

  async function confirm(p: Pending) {
    setBusy(true);
    try {
      const url = `/api/v1/staff/${p.member.id}/${p.kind}`;
      const done = await api.post<Member>(url, p.kind === "role" ? { role: p.role } : {});
      setMembers((ms) => ms?.map((m) => (m.id === done.id ? done : m)) ?? ms);
      notifications.show({
        color: "green",
        message:
          p.kind === "role"
            ? `${done.name} is now ${ROLE_LABEL[done.role]?.toLowerCase()}.`
            : p.kind === "deactivate"
              ? `${done.name} is deactivated and signed out.`
              : `${done.name} is active again and can sign in.`,
      });
      load();
      if (p.member.id === me.staff.id) await refresh();
    } catch (e) {
      notifications.show({ color: "red", message: plainWords(e), autoClose: 8000 });
    } finally {
      setBusy(false);
      setPending(null);
    }
  }

  const locationName = (id: string) => me.locations.find((l) => l.id === id)?.name ?? "";
  const status = (m: Member) => (
    <Badge variant="light" color={m.active ? "green" : "gray"} size="sm">
      {m.active ? "Active" : "Deactivated"}
    </Badge>
  );
  const roleControl = (m: Member) =>
    owner && m.active ? (
      <Select
        aria-label={`Role of ${m.name}`}
        size="xs"
        w={150}
        data={ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] ?? r }))}
        value={m.role}
        onChange={(v) => v && v !== m.role && setPending({ kind: "role", member: m, role: v as Role })}
        allowDeselect={false}
      />
    ) : (
      <Text size="sm">{ROLE_LABEL[m.role] ?? m.role}</Text>
    );
  const actions = (m: Member) => (
    <Group gap="xs" wrap="wrap">
      {can("manage_working_hours") && m.active && (
        <Button
          size="xs"
          variant="light"
          onClick={() => setHoursOf(m)}
          aria-label={`Working hours of ${m.name}`}
        >
          Working hours
        </Button>
      )}
      {owner &&
        (m.active ? (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={() => setPending({ kind: "deactivate", member: m })}
            aria-label={`Deactivate ${m.name}`}
          >
            Deactivate
          </Button>
        ) : (
          <Button
            size="xs"
            variant="subtle"
            onClick={() => setPending({ kind: "reactivate", member: m })}
            aria-label={`Reactivate ${m.name}`}
          >
            Reactivate
          </Button>
        ))}
    </Group>
  );

  return (
    <Stack gap="lg">
      <Title order={2}>Staff</Title>
      {error && <Alert color="red">{error}</Alert>}
      {!members && !error && <Loader aria-label="Loading staff" />}
      {members?.length === 0 && <Text c="dimmed">No staff yet.</Text>}
      {members &&
        members.length > 0 &&
        (mobile ? (
          <Stack gap="sm">
            {members.map((m) => (
              <Paper key={m.id} withBorder p="sm" data-testid="staff-member" opacity={m.active ? 1 : 0.75}>
                <Stack gap={6}>
                  <Group justify="space-between" wrap="nowrap" align="flex-start">
                    <Stack gap={0} miw={0}>
                      <Text fw={600}>{m.name}</Text>
                      <Text size="sm" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                        {m.email}
                      </Text>
                    </Stack>
                    {status(m)}
                  </Group>
                  <Text size="sm">Home: {locationName(m.homeLocationId)}</Text>
                  {roleControl(m)}
                  {actions(m)}
                </Stack>
              </Paper>
            ))}
          </Stack>
        ) : (
          <Table striped highlightOnHover verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Home location</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.map((m) => (
                <Table.Tr key={m.id} data-testid="staff-member" opacity={m.active ? 1 : 0.75}>
                  <Table.Td fw={600}>{m.name}</Table.Td>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>{m.email}</Table.Td>
                  <Table.Td>{roleControl(m)}</Table.Td>
                  <Table.Td>{locationName(m.homeLocationId)}</Table.Td>
                  <Table.Td>{status(m)}</Table.Td>
                  <Table.Td>{actions(m)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ))}
      {!owner && (
        <Text size="sm" c="dimmed">
          Only the owner invites staff, changes roles and deactivates members.
        </Text>
      )}

      {owner && <InviteSection />}
      {can("manage_api_tokens") && <ApiTokensSection />}

      {hoursOf && <WorkingHoursModal member={hoursOf} onClose={() => setHoursOf(null)} />}
      <Modal
        opened={pending !== null}
        onClose={() => setPending(null)}
        title={pending ? confirmTitle(pending) : ""}
        fullScreen={false}
      >
        {pending && (
          <Stack>
            <ConfirmText pending={pending} self={pending.member.id === me.staff.id} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setPending(null)}>
                Cancel
              </Button>
              <Button
                color={pending.kind === "deactivate" ? "red" : "violet"}
                loading={busy}
                onClick={() => confirm(pending)}
              >
                {pending.kind === "role"
                  ? `Make ${ROLE_LABEL[pending.role]?.toLowerCase()}`
                  : pending.kind === "deactivate"
                    ? "Deactivate"
                    : "Reactivate"}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

function confirmTitle(p: Pending) {
  if (p.kind === "role") return `Make ${p.member.name} ${ROLE_LABEL[p.role]?.toLowerCase()}?`;
  return p.kind === "deactivate" ? `Deactivate ${p.member.name}?` : `Reactivate ${p.member.name}?`;
}

function ConfirmText({ pending: p, self }: { pending: Pending; self: boolean }) {
  if (p.kind === "role")
    return (
      <Text size="sm">
        {self ? "You" : p.member.name} will have what a {ROLE_LABEL[p.role]?.toLowerCase()} may do from the
        next click on, on every device
        {p.role === "owner" ? ", including changing roles and deactivating staff" : ""}.
        {self && p.role !== "owner" ? " You will no longer manage staff." : ""}
      </Text>
    );
  if (p.kind === "deactivate")
    return (
      <Stack gap="xs">
        <Text size="sm">What happens:</Text>
        <Text size="sm" component="ul" m={0} pl="md">
          <li>
            {self ? "You are" : `${p.member.name} is`} signed out at once, on every device, and cannot sign
            in.
          </li>
          <li>Their API tokens stop working for good.</li>
          <li>They are hidden from the calendar and from online booking.</li>
          <li>Their history stays: sales, redemptions, tickets and appointments keep their name.</li>
        </Text>
        <Text size="sm" c="dimmed">
          You can reactivate them later.
        </Text>
      </Stack>
    );
  return (
    <Text size="sm">
      {p.member.name} can sign in again with their password and is shown on the calendar and offered for
      online booking again. Their old API tokens stay revoked.
    </Text>
  );
}
