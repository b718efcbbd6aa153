import {
  Alert,
  Anchor,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useEffect, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate } from "react-router";
import type { DemoLogins, SetupStatus, SignInAnswer } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { customerListQuery, PAGE_SIZE } from "../customers/list-query.js";
import { roleLabel } from "../format.js";
import { queryClient } from "../query.js";
import { useSession } from "./session.js";

/** What the page may be opened with: a person switching to another of their businesses. */
export interface SignInState {
  email?: string;
  business?: { id: string; name: string };
}

export function SignIn({ setup }: { setup?: SetupStatus | null }) {
  const { t } = useTranslation("auth");
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const state = (useLocation().state ?? {}) as SignInState;
  const [email, setEmail] = useState(state.email ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoLogins | null>(null);
  // O1: the password was right and the person works for several businesses.
  const [choices, setChoices] = useState<Array<{ id: string; name: string }> | null>(null);

  useEffect(() => {
    api.get<DemoLogins>("/api/v1/auth/demo-logins").then(setDemo, () => setDemo(null));
  }, []);

  async function signInTo(businessId?: string) {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.plainPost<SignInAnswer>("/api/v1/auth/sign-in", {
        email: email.trim(),
        password,
        ...(businessId ? { businessId } : {}),
        // The first screen of the front desk comes with the answer (U3).
        firstCustomers: PAGE_SIZE,
      });
      if (!answer.signedIn) {
        setChoices(answer.businesses);
        return;
      }
      // "/" opens the start page of a business still setting up (for those who set it up), else
      // the customers, which the front desk sees first: their first page came with the answer, so
      // the shell, the address and the rows are drawn in one render.
      const setsUp = answer.me.permissions.includes("manage_catalog");
      if (answer.customers && !setsUp)
        queryClient.setQueryData(customerListQuery("").queryKey, {
          pages: [answer.customers],
          pageParams: [null],
        });
      await signedIn(answer.me, () => navigate(setsUp ? "/" : "/customers", { replace: true }));
    } catch (e) {
      setChoices(null);
      setError(plainWords(e));
    } finally {
      setBusy(false);
    }
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    void signInTo(state.business?.id);
  }

  if (choices) {
    return (
      <Center mih="100vh" p="md" bg="gray.0">
        <Stack w={420} maw="100%">
          <Title order={1} ta="center" c="violet.8">
            Carnet
          </Title>
          <Paper withBorder shadow="sm" p="lg">
            <Stack>
              <Title order={2} size="h3">
                {t("signIn.chooseBusiness")}
              </Title>
              <Text size="sm" c="dimmed">
                {t("signIn.severalBusinesses")}
              </Text>
              {choices.map((b) => (
                <Button
                  key={b.id}
                  variant="light"
                  size="md"
                  justify="flex-start"
                  loading={busy}
                  onClick={() => void signInTo(b.id)}
                  data-testid="business-choice"
                >
                  {b.name}
                </Button>
              ))}
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => {
                  setChoices(null);
                  setPassword("");
                }}
              >
                {t("common:actions.back")}
              </Anchor>
            </Stack>
          </Paper>
        </Stack>
      </Center>
    );
  }

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Stack w={420} maw="100%">
        <Title order={1} ta="center" c="violet.8">
          Carnet
        </Title>
        <Paper withBorder shadow="sm" p="lg" component="form" onSubmit={submit}>
          <Stack>
            <Title order={2} size="h3">
              {t("signIn.title")}
            </Title>
            {state.business && (
              <Text size="sm" c="dimmed" data-testid="sign-in-to">
                {t("signIn.toBusiness", { business: state.business.name })}
              </Text>
            )}
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput
              label={t("email")}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              autoFocus
            />
            <PasswordInput
              label={t("password")}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy}>
              {t("signIn.submit")}
            </Button>
            <Anchor component={Link} to="/forgot-password" state={{ email }} size="sm" ta="center">
              {t("forgotPassword")}
            </Anchor>
          </Stack>
        </Paper>
        {setup?.signUpOpen && (
          <Text size="sm" ta="center">
            {t("signIn.newHere")}{" "}
            <Anchor component={Link} to="/sign-up">
              {t("signIn.createBusiness")}
            </Anchor>
          </Text>
        )}
        {demo?.demo && (
          <Paper withBorder p="md">
            <Text fw={600} mb="xs">
              {t("signIn.demoLogins")}
            </Text>
            <Table fz="sm">
              <Table.Tbody>
                {demo.logins.map((l) => (
                  <Table.Tr key={l.email}>
                    <Table.Td>{roleLabel(l.role)}</Table.Td>
                    <Table.Td>
                      <Anchor
                        component="button"
                        type="button"
                        onClick={() => {
                          setEmail(l.email);
                          setPassword(l.password);
                        }}
                      >
                        {l.email}
                      </Anchor>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text size="xs" c="dimmed" mt="xs">
              <Trans
                t={t}
                i18nKey="signIn.demoPassword"
                values={{ password: demo.logins[0]?.password }}
                components={{ code: <code /> }}
              />
            </Text>
          </Paper>
        )}
      </Stack>
    </Center>
  );
}
