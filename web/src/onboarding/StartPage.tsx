// O1: the guided start of a new business: add your services, create a package, add staff. Each
// step links to the screen that does it and shows as done once the business has one. It is the home
// page ("/") of owners and managers until the business has a service and a package to sell, and
// stays at /start ("Getting started" in the menu until then).
import { Badge, Button, Card, Center, Group, Loader, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { useMe, useSession } from "../auth/session.js";
import { type Progress, readyToSell, useProgress } from "./progress.js";

interface Step {
  title: string;
  text: string;
  to: string;
  action: string;
  done: boolean;
}

function Loading() {
  const { t } = useTranslation();
  return (
    <Center mih="40vh">
      <Loader aria-label={t("loading")} />
    </Center>
  );
}

/** "/": the start page while the business has nothing to sell (for those who set it up), else customers. */
export function Home() {
  const { can } = useSession();
  const manages = can("manage_catalog");
  const { progress, failed } = useProgress(manages);
  if (!manages || failed) return <ToCustomers />;
  if (!progress) return <Loading />;
  return readyToSell(progress) ? <ToCustomers /> : <StartSteps progress={progress} />;
}

/**
 * Leaves "/" for the customers, unless the person has already gone elsewhere: a click on the menu while
 * the progress loaded moves the address at once, but the screen it opens may still be loading (the
 * router keeps showing this page meanwhile), and a plain <Navigate> would take them back.
 */
function ToCustomers() {
  const navigate = useNavigate();
  useEffect(() => {
    if (window.location.pathname === "/") navigate("/customers", { replace: true });
  }, [navigate]);
  return null;
}

/** "/start", reachable from the menu. */
export function StartPage() {
  const { can } = useSession();
  const { progress, failed } = useProgress(can("manage_catalog"));
  if (!can("manage_catalog") || failed) return <Navigate to="/customers" replace />;
  return progress ? <StartSteps progress={progress} /> : <Loading />;
}

/** The menu's "Getting started" link, until the business is ready to sell (owners and managers). */
export function GettingStartedLink({ render }: { render: (active: boolean) => React.ReactNode }) {
  const { can } = useSession();
  const { pathname } = useLocation();
  const { progress } = useProgress(can("manage_catalog"), pathname);
  if (!progress || readyToSell(progress)) return null;
  return <>{render(pathname === "/start" || pathname === "/")}</>;
}

function StartSteps({ progress }: { progress: Progress }) {
  const me = useMe();
  const { t } = useTranslation("onboarding");
  const { can } = useSession();
  const steps: Step[] = [
    {
      title: t("start.services.title"),
      text: t("start.services.text"),
      to: "/catalog?tab=services",
      action: t("start.services.action"),
      done: progress.items > 0,
    },
    {
      title: t("start.package.title"),
      text: t("start.package.text"),
      to: "/catalog?tab=templates",
      action: t("start.package.action"),
      done: progress.templates > 0,
    },
  ];
  if (can("manage_staff"))
    steps.push({
      title: t("start.staff.title"),
      text: t("start.staff.text"),
      to: "/staff",
      action: t("start.staff.action"),
      done: progress.staff > 1,
    });

  return (
    <Stack maw={760} data-testid="start-page">
      <div>
        <Title order={1} size="h2">
          {t("start.welcome", { business: me.business.name })}
        </Title>
        <Text c="dimmed">{t("start.intro", { count: steps.length })}</Text>
      </div>
      {steps.map((step, i) => (
        <Card key={step.title} withBorder padding="lg" data-testid="start-step">
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Group wrap="nowrap" align="flex-start" gap="md" style={{ flex: "1 1 260px" }}>
              <ThemeIcon
                radius="xl"
                size="lg"
                variant={step.done ? "filled" : "light"}
                color={step.done ? "teal" : "violet"}
                aria-hidden
              >
                {step.done ? "✓" : i + 1}
              </ThemeIcon>
              <div>
                <Group gap="xs">
                  <Text fw={700}>{step.title}</Text>
                  {step.done && (
                    <Badge color="teal" variant="light" size="sm">
                      {t("start.done")}
                    </Badge>
                  )}
                </Group>
                <Text size="sm" c="dimmed">
                  {step.text}
                </Text>
              </div>
            </Group>
            <Button component={Link} to={step.to} variant={step.done ? "default" : "filled"}>
              {step.action}
            </Button>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}
