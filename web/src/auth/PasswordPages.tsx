// O2: "Forgot password" (the answer never tells whether the e-mail has an account) and the page its
// e-mailed link opens to choose a new password (once; every session of the account ends). The same
// page sets the first password of an owner made on the command line.
import {
  Alert,
  Anchor,
  Button,
  Center,
  Loader,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useEffect, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "react-router";
import type { PasswordLink } from "../api/types.js";
import { ApiError, api, plainWords } from "../api.js";
import { errorHelpers, type FormError, formError } from "../onboarding/field-error.js";

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Stack w={440} maw="100%">
        <Title order={1} ta="center" c="violet.8">
          Carnet
        </Title>
        <Paper withBorder shadow="sm" p="lg">
          <Stack>
            <Title order={2} size="h3">
              {title}
            </Title>
            {children}
          </Stack>
        </Paper>
      </Stack>
    </Center>
  );
}

export function ForgotPasswordPage() {
  const { t } = useTranslation("auth");
  const state = (useLocation().state ?? {}) as { email?: string };
  const [email, setEmail] = useState(state.email ?? "");
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<FormError | null>(null);
  const shown = errorHelpers(error, ["email"]);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSent(
        (await api.plainPost<{ message: string }>("/api/v1/public/password-resets", { email: email.trim() }))
          .message,
      );
    } catch (e) {
      setError(formError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t("forgotPassword")}>
      {sent ? (
        <>
          <Text data-testid="reset-sent">{sent}</Text>
          <Anchor component={Link} to="/">
            {t("backToSignIn")}
          </Anchor>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <Text size="sm" c="dimmed">
              {t("forgot.intro")}
            </Text>
            {shown.general && (
              <Alert color="red" role="alert">
                {shown.general}
              </Alert>
            )}
            <TextInput
              label={t("email")}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={shown.at("email")}
              autoFocus
            />
            <Button type="submit" loading={busy}>
              {t("forgot.submit")}
            </Button>
            <Anchor component={Link} to="/" size="sm" ta="center">
              {t("backToSignIn")}
            </Anchor>
          </Stack>
        </form>
      )}
    </Card>
  );
}

export function ResetPasswordPage() {
  const { t } = useTranslation("auth");
  const { token } = useParams<{ token: string }>();
  const path = `/api/v1/public/password-resets/${encodeURIComponent(token ?? "")}`;
  const [link, setLink] = useState<PasswordLink | null>(null);
  const [trouble, setTrouble] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<FormError | null>(null);
  const shown = errorHelpers(error, ["password", "repeat"]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  useEffect(() => {
    api
      .get<PasswordLink>(path)
      .then(setLink, (e) => setTrouble(e instanceof ApiError ? e.message : plainWords(e)));
  }, [path]);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    if (password !== repeat) {
      setError({ text: t("passwordsDiffer"), field: "repeat" });
      return;
    }
    setBusy(true);
    try {
      await api.plainPost(path, { password });
      setDone(true);
    } catch (e) {
      setError(formError(e));
    } finally {
      setBusy(false);
    }
  }

  if (trouble)
    return (
      <Card title={t("linkTrouble")}>
        <Text data-testid="link-trouble">{trouble}</Text>
        <Anchor component={Link} to="/forgot-password">
          {t("reset.askNew")}
        </Anchor>
      </Card>
    );
  if (!link)
    return (
      <Center mih="60vh">
        <Loader aria-label={t("common:loading")} />
      </Center>
    );
  const first = link.purpose === "first_password";
  if (done)
    return (
      <Card title={first ? t("reset.setTitle") : t("reset.changedTitle")}>
        <Text data-testid="password-set">{first ? t("reset.set") : t("reset.changed")}</Text>
        <Button component={Link} to="/" state={{ email: link.email }}>
          {t("signIn.submit")}
        </Button>
      </Card>
    );
  return (
    <Card title={first ? t("reset.chooseFirst") : t("reset.chooseNew")}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">
            <Trans t={t} i18nKey="reset.for" values={{ email: link.email }} components={{ b: <b /> }} />
          </Text>
          {shown.general && (
            <Alert color="red" role="alert">
              {shown.general}
            </Alert>
          )}
          <PasswordInput
            label={t("newPassword")}
            description={t("atLeast10")}
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={shown.at("password")}
            autoFocus
          />
          <PasswordInput
            label={t("newPasswordAgain")}
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={shown.at("repeat")}
          />
          <Button type="submit" loading={busy}>
            {first ? t("reset.submitFirst") : t("change.submit")}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
