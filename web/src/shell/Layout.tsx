import {
  AppShell,
  Badge,
  Burger,
  Group,
  Menu,
  NativeSelect,
  NavLink,
  Stack,
  Text,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, type NavigateFunction, useLocation, useNavigate } from "react-router";
import { api, plainWords } from "../api.js";
import { ChangePasswordModal } from "../auth/ChangePassword.js";
import { useMe, useSession } from "../auth/session.js";
import { CalendarFeedModal } from "../feeds/CalendarFeedModal.js";
import { roleLabel } from "../format.js";
import { LanguageMenuItems } from "../languages/LanguagePickers.js";
import { useLiveUpdates } from "../live.js";
import { GettingStartedLink } from "../onboarding/StartPage.js";

export function Layout({ children }: { children: React.ReactNode }) {
  const me = useMe();
  useLiveUpdates();
  const { t } = useTranslation("shell");
  const { signOut, refresh, can } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const [passwordOpened, passwordDialog] = useDisclosure();
  const [feedOpened, feedDialog] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();

  async function switchTo(locationId: string | null) {
    if (!locationId || locationId === me.location.id) return;
    try {
      await api.plainPost("/api/v1/auth/location", { locationId });
      await refresh();
      notifications.show({
        message: t("workingAt", { location: me.locations.find((l) => l.id === locationId)?.name }),
      });
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
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="md"
              size="sm"
              aria-label={t("common:nav.menu")}
            />
            <Text fw={800} size="xl" c="violet.8" component={Link} to="/customers">
              Carnet
            </Text>
            <Text c="dimmed" size="sm" visibleFrom="md">
              {me.business.name}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {/* The browser's own select: the shell draws at once after sign-in (U3), and a phone
                opens its own picker. */}
            <NativeSelect
              aria-label={t("workingLocation")}
              size="xs"
              w={200}
              data={me.locations.map((l) => ({ value: l.id, label: l.name }))}
              value={me.location.id}
              onChange={(e) => void switchTo(e.currentTarget.value)}
              visibleFrom="xs"
            />
            <AccountMenu
              passwordDialog={passwordDialog.open}
              feedDialog={feedDialog.open}
              signOut={signOut}
              navigate={navigate}
            />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <GettingStartedLink
          render={(active) => (
            <ShellLink label={t("common:nav.gettingStarted")} to="/start" active={active} onClick={close} />
          )}
        />
        <ShellLink
          label={t("common:nav.customers")}
          to="/customers"
          active={location.pathname.startsWith("/customers")}
          onClick={close}
        />
        <ShellLink
          label={t("common:nav.calendar")}
          to="/calendar"
          active={location.pathname.startsWith("/calendar")}
          onClick={close}
        />
        <ShellLink
          label={t("common:nav.classes")}
          to="/classes"
          active={location.pathname.startsWith("/classes")}
          onClick={close}
        />
        {can("sell_package") && (
          <ShellLink
            label={t("common:nav.till")}
            to="/till"
            active={/^\/(till|tickets)/.test(location.pathname)}
            onClick={close}
          />
        )}
        {can("view_reports") && (
          <ShellLink
            label={t("common:nav.packages")}
            description={t("common:nav.packagesHint")}
            to="/packages"
            active={location.pathname.startsWith("/packages")}
            onClick={close}
          />
        )}
        {can("manage_catalog") && (
          <ShellLink
            label={t("common:nav.catalog")}
            description={t("common:nav.catalogHint")}
            to="/catalog"
            active={location.pathname.startsWith("/catalog")}
            onClick={close}
          />
        )}
        {can("manage_working_hours") && (
          <ShellLink
            label={t("common:nav.staff")}
            description={t("common:nav.staffHint")}
            to="/staff"
            active={location.pathname.startsWith("/staff")}
            onClick={close}
          />
        )}
        {(can("import_data") || can("export_business_data")) && (
          <ShellLink
            label={t("common:nav.import")}
            description={t("common:nav.importHint")}
            to="/import"
            active={location.pathname.startsWith("/import")}
            onClick={close}
          />
        )}
        {(can("manage_settings") || can("manage_webhooks")) && (
          <ShellLink
            label={t("common:nav.settings")}
            to="/settings"
            active={location.pathname.startsWith("/settings")}
            onClick={close}
          />
        )}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
      {/* mounted when asked for: a closed modal still costs the first screen its render */}
      {passwordOpened && <ChangePasswordModal opened onClose={passwordDialog.close} />}
      {/* W4: the staff member's own calendar feed */}
      {feedOpened && <CalendarFeedModal opened onClose={feedDialog.close} />}
    </AppShell>
  );
}

/**
 * A link of the menu, drawn as Mantine's NavLink draws one (its own classes) on a plain router
 * link: ten NavLinks were a good part of the shell's first render after sign-in (U3).
 */
function ShellLink({
  label,
  description,
  to,
  active,
  onClick,
}: {
  label: string;
  description?: string;
  to: string;
  active: boolean;
  onClick: () => void;
}) {
  const c = NavLink.classes;
  return (
    <Link
      to={to}
      onClick={onClick}
      className={`${UnstyledButton.classes.root} ${c.root}`}
      data-active={active || undefined}
    >
      <span className={c.body}>
        <span className={c.label}>{label}</span>
        {description && (
          <span className={c.description} data-active={active || undefined}>
            {description}
          </span>
        )}
      </span>
    </Link>
  );
}

/**
 * The account menu (language, password, other businesses, sign out). Its button is drawn at once;
 * the menu itself (a popover, its positioning and transitions) is mounted at the first click and
 * opens then: drawn closed on every screen, it was a good part of the shell's first render (U3).
 */
function AccountMenu({
  passwordDialog,
  feedDialog,
  signOut,
  navigate,
}: {
  passwordDialog: () => void;
  feedDialog: () => void;
  signOut: () => Promise<void>;
  navigate: NavigateFunction;
}) {
  const me = useMe();
  const { t } = useTranslation("shell");
  const [armed, setArmed] = useState(false);
  const button = (
    <UnstyledButton aria-label={t("account")} onClick={armed ? undefined : () => setArmed(true)}>
      <Stack gap={0} align="flex-end">
        <Text size="sm" fw={600} data-testid="current-user">
          {me.staff.name}
        </Text>
        <Badge size="xs" variant="light">
          {roleLabel(me.staff.role)}
        </Badge>
      </Stack>
    </UnstyledButton>
  );
  if (!armed) return button;
  return (
    <Menu position="bottom-end" defaultOpened>
      <Menu.Target>{button}</Menu.Target>
      <Menu.Dropdown>
        {/* U2: the staff member's own language, saved and switched at once */}
        <LanguageMenuItems />
        <Menu.Label>{me.location.name}</Menu.Label>
        {me.account && <Menu.Item onClick={passwordDialog}>{t("changePassword")}</Menu.Item>}
        <Menu.Item onClick={feedDialog}>{t("feeds:menu")}</Menu.Item>
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
              {t("switchTo", { business: b.name })}
            </Menu.Item>
          ))}
        <Menu.Item
          onClick={async () => {
            await signOut();
            navigate("/");
          }}
        >
          {t("common:actions.signOut")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
