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
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Member, Role } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { roleLabel } from "../format.js";
import { ApiTokensSection } from "./ApiTokensSection.js";
import { InviteSection } from "./InviteSection.js";
import { useStaff } from "./queries.js";
import { ROLES } from "./roles.js";
import { WorkingHoursModal } from "./WorkingHoursModal.js";

type Pending =
  | { kind: "role"; member: Member; role: Role }
  | { kind: "deactivate"; member: Member }
  | { kind: "reactivate"; member: Member };

export function StaffPage() {
  const me = useMe();
  const { t, i18n } = useTranslation("staff");
  const { can, refresh } = useSession();
  const queryClient = useQueryClient();
  const owner = can("manage_staff");
  const mobile = useMediaQuery("(max-width: 48em)");
  const staff = useStaff();
  const members = staff.data;
  const [pending, setPending] = useState<Pending | null>(null);
  const [hoursOf, setHoursOf] = useState<Member | null>(null);
  const role = (r: string) => roleLabel(r).toLocaleLowerCase(i18n.language);

  const confirm = useMutation({
    mutationFn: (p: Pending) =>
      api.post<Member>(`/api/v1/staff/${p.member.id}/${p.kind}`, p.kind === "role" ? { role: p.role } : {}),
    onSuccess: async (done, p) => {
      queryClient.setQueryData<Member[]>(["staff"], (ms) => ms?.map((m) => (m.id === done.id ? done : m)));
      notifications.show({
        color: "green",
        message:
          p.kind === "role"
            ? t("done.role", { name: done.name, role: role(done.role) })
            : p.kind === "deactivate"
              ? t("done.deactivated", { name: done.name })
              : t("done.reactivated", { name: done.name }),
      });
      if (p.member.id === me.staff.id) await refresh();
    },
    onError: (e) => notifications.show({ color: "red", message: plainWords(e), autoClose: 8000 }),
    onSettled: () => {
      setPending(null);
      void queryClient.invalidateQueries({ queryKey: ["staff"] });
    },
  });

  const locationName = (id: string) => me.locations.find((l) => l.id === id)?.name ?? "";
  const status = (m: Member) => (
    <Badge variant="light" color={m.active ? "green" : "gray"} size="sm">
      {m.active ? t("status.active") : t("status.deactivated")}
    </Badge>
  );
  const roleControl = (m: Member) =>
    owner && m.active ? (
      <Select
        aria-label={t("roleOf", { name: m.name })}
        size="xs"
        w={150}
        data={ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
        value={m.role}
        onChange={(v) => v && v !== m.role && setPending({ kind: "role", member: m, role: v as Role })}
        allowDeselect={false}
      />
    ) : (
      <Text size="sm">{roleLabel(m.role)}</Text>
    );
  const actions = (m: Member) => (
    <Group gap="xs" wrap="wrap">
      {can("manage_working_hours") && m.active && (
        <Button
          size="xs"
          variant="light"
          onClick={() => setHoursOf(m)}
          aria-label={t("workingHoursOf", { name: m.name })}
        >
          {t("workingHours")}
        </Button>
      )}
      {owner &&
        (m.active ? (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={() => setPending({ kind: "deactivate", member: m })}
            aria-label={t("deactivateName", { name: m.name })}
          >
            {t("deactivate")}
          </Button>
        ) : (
          <Button
            size="xs"
            variant="subtle"
            onClick={() => setPending({ kind: "reactivate", member: m })}
            aria-label={t("reactivateName", { name: m.name })}
          >
            {t("reactivate")}
          </Button>
        ))}
    </Group>
  );

  return (
    <Stack gap="lg">
      <Title order={2}>{t("title")}</Title>
      {staff.error && <Alert color="red">{plainWords(staff.error)}</Alert>}
      {!members && !staff.error && <Loader aria-label={t("loading")} />}
      {members?.length === 0 && <Text c="dimmed">{t("none")}</Text>}
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
                  <Text size="sm">{t("home", { location: locationName(m.homeLocationId) })}</Text>
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
                <Table.Th>{t("column.name")}</Table.Th>
                <Table.Th>{t("column.email")}</Table.Th>
                <Table.Th>{t("column.role")}</Table.Th>
                <Table.Th>{t("column.home")}</Table.Th>
                <Table.Th>{t("column.status")}</Table.Th>
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
          {t("onlyOwner")}
        </Text>
      )}

      {owner && <InviteSection />}
      {can("manage_api_tokens") && <ApiTokensSection />}

      {hoursOf && <WorkingHoursModal member={hoursOf} onClose={() => setHoursOf(null)} />}
      <Modal
        opened={pending !== null}
        onClose={() => setPending(null)}
        title={pending ? confirmTitle(t, pending, role) : ""}
        fullScreen={false}
      >
        {pending && (
          <Stack>
            <ConfirmText pending={pending} self={pending.member.id === me.staff.id} role={role} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setPending(null)}>
                {t("common:actions.cancel")}
              </Button>
              <Button
                color={pending.kind === "deactivate" ? "red" : "violet"}
                loading={confirm.isPending}
                onClick={() => confirm.mutate(pending)}
              >
                {pending.kind === "role"
                  ? t("confirm.makeRole", { role: role(pending.role) })
                  : pending.kind === "deactivate"
                    ? t("deactivate")
                    : t("reactivate")}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

function confirmTitle(t: TFunction<"staff">, p: Pending, role: (r: string) => string) {
  if (p.kind === "role") return t("confirm.roleTitle", { name: p.member.name, role: role(p.role) });
  return p.kind === "deactivate"
    ? t("confirm.deactivateTitle", { name: p.member.name })
    : t("confirm.reactivateTitle", { name: p.member.name });
}

function ConfirmText({
  pending: p,
  self,
  role,
}: {
  pending: Pending;
  self: boolean;
  role: (r: string) => string;
}) {
  const { t } = useTranslation("staff");
  if (p.kind === "role")
    return (
      <Text size="sm">
        {p.role === "owner"
          ? t("confirm.roleOwner", { name: p.member.name })
          : self
            ? t("confirm.roleSelf", { role: role(p.role) })
            : t("confirm.role", { name: p.member.name, role: role(p.role) })}
      </Text>
    );
  if (p.kind === "deactivate")
    return (
      <Stack gap="xs">
        <Text size="sm">{t("confirm.whatHappens")}</Text>
        <Text size="sm" component="ul" m={0} pl="md">
          <li>{self ? t("confirm.signedOutSelf") : t("confirm.signedOut", { name: p.member.name })}</li>
          <li>{t("confirm.tokensStop")}</li>
          <li>{t("confirm.hidden")}</li>
          <li>{t("confirm.historyStays")}</li>
        </Text>
        <Text size="sm" c="dimmed">
          {t("confirm.reactivateLater")}
        </Text>
      </Stack>
    );
  return <Text size="sm">{t("confirm.reactivateText", { name: p.member.name })}</Text>;
}
