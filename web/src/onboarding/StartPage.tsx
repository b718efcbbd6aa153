// O1: the guided start of a new business: add your services, create a package, add staff. Each
// step links to the screen that does it and shows as done once the business has one. It is the home
// page ("/") of owners and managers until the business has a service and a package to sell, and
// stays at /start ("Getting started" in the menu until then).
import { Badge, Button, Card, Center, Group, Loader, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { Link, Navigate, useLocation } from "react-router";
import { useMe, useSession } from "../auth/session.js";
import { type Progress, readyToSell, useProgress } from "./progress.js";

interface Step {
  title: string;
  text: string;
  to: string;
  action: string;
  done: boolean;
}

const Loading = () => (
  <Center mih="40vh">
    <Loader aria-label="Loading" />
  </Center>
);

/** "/": the start page while the business has nothing to sell (for those who set it up), else customers. */
export function Home() {
  const { can } = useSession();
  const manages = can("manage_catalog");
  const { progress, failed } = useProgress(manages);
  if (!manages || failed) return <Navigate to="/customers" replace />;
  if (!progress) return <Loading />;
  return readyToSell(progress) ? <Navigate to="/customers" replace /> : <StartSteps progress={progress} />;
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
  const { can } = useSession();
  const steps: Step[] = [
    {
      title: "Add your services",
      text: "The treatments, products and classes you sell, with their prices.",
      to: "/catalog?tab=services",
      action: "Add services",
      done: progress.items > 0,
    },
    {
      title: "Create a package",
      text: "A course or package your customers buy in advance, such as 5 manicures.",
      to: "/catalog?tab=templates",
      action: "Create a package",
      done: progress.templates > 0,
    },
  ];
  if (can("manage_staff"))
    steps.push({
      title: "Add staff",
      text: "Invite your team by e-mail; each chooses their own password.",
      to: "/staff",
      action: "Add staff",
      done: progress.staff > 1,
    });

  return (
    <Stack maw={760} data-testid="start-page">
      <div>
        <Title order={1} size="h2">
          Welcome to {me.business.name}
        </Title>
        <Text c="dimmed">
          {steps.length === 3 ? "Three steps" : "Two steps"} to open for business. You can come back here from
          “Getting started” in the menu.
        </Text>
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
                      Done
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
