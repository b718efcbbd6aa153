import {
  AppShell,
  Badge,
  Burger,
  Group,
  Menu,
  NavLink,
  Select,
  Stack,
  Text,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { Link, useLocation, useNavigate } from "react-router";
import { api, plainWords } from "../api.js";
import { ChangePasswordModal } from "../auth/ChangePassword.js";
import { useMe, useSession } from "../auth/session.js";
import { ROLE_LABEL } from "../format.js";
import { GettingStartedLink } from "../onboarding/StartPage.js";

export function Layout({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const { signOut, refresh, can } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const [passwordOpened, passwordDialog] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();

  async function switchTo(locationId: string | null) {
    if (!locationId || locationId === me.location.id) return;
    try {
      await api.plainPost("/api/v1/auth/location", { locationId });
      await refresh();
      notifications.show({ message: `Working at ${me.locations.find((l) => l.id === locationId)?.name}` });
    } catch (e) {
      notifications.show({ color: "red", message: plainWords(e) });
    }
  }

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: "md", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Menu" />
            <Text fw={800} size="xl" c="violet.8" component={Link} to="/customers">
              Carnet
            </Text>
            <Text c="dimmed" size="sm" visibleFrom="md">
              {me.business.name}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Select
              aria-label="Working location"
              size="xs"
              w={200}
              data={me.locations.map((l) => ({ value: l.id, label: l.name }))}
              value={me.location.id}
              onChange={switchTo}
              allowDeselect={false}
              visibleFrom="xs"
            />
            <Menu position="bottom-end">
              <Menu.Target>
                <UnstyledButton aria-label="Account">
                  <Stack gap={0} align="flex-end">
                    <Text size="sm" fw={600} data-testid="current-user">
                      {me.staff.name}
                    </Text>
                    <Badge size="xs" variant="light">
                      {ROLE_LABEL[me.staff.role]}
                    </Badge>
                  </Stack>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me.location.name}</Menu.Label>
                {me.account && <Menu.Item onClick={passwordDialog.open}>Change password</Menu.Item>}
                {/* O1: a person who works for several businesses signs in again to another one */}
                {me.account?.businesses
                  .filter((b) => b.id !== me.business.id)
                  .map((b) => (
                    <Menu.Item
                      key={b.id}
                      onClick={async () => {
                        const email = me.account?.email;
                        await signOut();
                        navigate("/", { state: { email, business: b } });
                      }}
                    >
                      Switch to {b.name}
                    </Menu.Item>
                  ))}
                <Menu.Item
                  onClick={async () => {
                    await signOut();
                    navigate("/");
                  }}
                >
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <GettingStartedLink
          render={(active) => (
            <NavLink label="Getting started" component={Link} to="/start" active={active} onClick={close} />
          )}
        />
        <NavLink
          label="Customers"
          component={Link}
          to="/customers"
          active={location.pathname.startsWith("/customers")}
          onClick={close}
        />
        <NavLink
          label="Calendar"
          component={Link}
          to="/calendar"
          active={location.pathname.startsWith("/calendar")}
          onClick={close}
        />
        <NavLink
          label="Classes"
          component={Link}
          to="/classes"
          active={location.pathname.startsWith("/classes")}
          onClick={close}
        />
        {can("sell_package") && (
          <NavLink
            label="Till"
            component={Link}
            to="/till"
            active={/^\/(till|tickets)/.test(location.pathname)}
            onClick={close}
          />
        )}
        {can("view_reports") && (
          <NavLink
            label="Packages"
            description="Balances, reports, activity"
            component={Link}
            to="/packages"
            active={location.pathname.startsWith("/packages")}
            onClick={close}
          />
        )}
        {can("manage_catalog") && (
          <NavLink
            label="Catalog"
            description="Services, packages, locations"
            component={Link}
            to="/catalog"
            active={location.pathname.startsWith("/catalog")}
            onClick={close}
          />
        )}
        {can("manage_working_hours") && (
          <NavLink
            label="Staff"
            description="People, hours, API tokens"
            component={Link}
            to="/staff"
            active={location.pathname.startsWith("/staff")}
            onClick={close}
          />
        )}
        {(can("import_data") || can("export_business_data")) && (
          <NavLink
            label="Import & export"
            description="Packages from another system, all data"
            component={Link}
            to="/import"
            active={location.pathname.startsWith("/import")}
            onClick={close}
          />
        )}
        {can("manage_settings") && (
          <NavLink
            label="Settings"
            component={Link}
            to="/settings"
            active={location.pathname.startsWith("/settings")}
            onClick={close}
          />
        )}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
      <ChangePasswordModal opened={passwordOpened} onClose={passwordDialog.close} />
    </AppShell>
  );
}
