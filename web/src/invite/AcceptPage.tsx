// O1, O2: the pages an e-mailed link opens: an invitation to join a business as staff, and a
// sign-up link that creates a business. A person whose e-mail has a Carnet account signs in with its
// password; one without chooses a password. Either lands signed in. No other business is named.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Loader,
  Paper,
  PasswordInput,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useEffect, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import type { InvitationLink as InvitationView, SignUpLink as SignUpView } from "../api/types.js";
import { ApiError, api, plainWords } from "../api.js";
import { roleLabel } from "../format.js";
import { errorHelpers, type FormError, formError } from "../onboarding/field-error.js";

function Frame({ children }: { children: React.ReactNode }) {
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Stack w={460} maw="100%">
        <Title order={1} ta="center" c="violet.8">
          Carnet
        </Title>
        <Paper withBorder shadow="sm" p="lg">
          <Stack>{children}</Stack>
        </Paper>
      </Stack>
    </Center>
  );
}

/** Loads what the link offers; shows why when it no longer works. */
function useLinkView<T>(path: string) {
  const [view, setView] = useState<T | null>(null);
  const [trouble, setTrouble] = useState<string | null>(null);
  useEffect(() => {
    api.get<T>(path).then(setView, (e) => setTrouble(e instanceof ApiError ? e.message : plainWords(e)));
  }, [path]);
  return { view, trouble };
}

/** Sign in with the account's password, or choose one; then the whole app opens signed in. */
function AccountStep({
  view,
  action,
  submitPath,
  landing,
}: {
  view: InvitationView | SignUpView;
  action: string;
  submitPath: string;
  landing: string;
}) {
  const { t } = useTranslation("auth");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<FormError | null>(null);
  const shown = errorHelpers(error, ["password", "repeat"]);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    if (!view.hasAccount && password !== repeat) {
      setError({ text: t("passwordsDiffer"), field: "repeat" });
      return;
    }
    setBusy(true);
    try {
      await api.plainPost(submitPath, { password });
      // The session cookie is set: the staff app starts afresh with it.
      window.location.assign(landing);
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === "invalid_credentials"
          ? { text: t("accept.wrongPassword"), field: "password" }
          : formError(e),
      );
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {view.hasAccount ? (
          <Text size="sm">
            <Trans
              t={t}
              i18nKey="accept.signInWith"
              values={{ email: view.email }}
              components={{ b: <b /> }}
            />
          </Text>
        ) : (
          <Text size="sm">
            <Trans
              t={t}
              i18nKey="accept.choosePasswordFor"
              values={{ email: view.email }}
              components={{ b: <b /> }}
            />
          </Text>
        )}
        {shown.general && (
          <Alert color="red" role="alert">
            {shown.general}
          </Alert>
        )}
        <PasswordInput
          label={view.hasAccount ? t("password") : t("accept.choosePassword")}
          description={view.hasAccount ? undefined : t("atLeast10")}
          autoComplete={view.hasAccount ? "current-password" : "new-password"}
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={shown.at("password")}
          autoFocus
        />
        {!view.hasAccount && (
          <PasswordInput
            label={t("passwordAgain")}
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={shown.at("repeat")}
          />
        )}
        <Button type="submit" loading={busy}>
          {action}
        </Button>
        {view.hasAccount && (
          <Anchor component={Link} to="/forgot-password" state={{ email: view.email }} size="sm" ta="center">
            {t("forgotPassword")}
          </Anchor>
        )}
      </Stack>
    </form>
  );
}

function Trouble({ text }: { text: string }) {
  const { t } = useTranslation("auth");
  return (
    <Frame>
      <Title order={2} size="h3">
        {t("linkTrouble")}
      </Title>
      <Text data-testid="link-trouble">{text}</Text>
      <Anchor component={Link} to="/">
        {t("accept.toSignIn")}
      </Anchor>
    </Frame>
  );
}

function Loading() {
  const { t } = useTranslation();
  return (
    <Center mih="60vh">
      <Loader aria-label={t("loading")} />
    </Center>
  );
}

export function InvitePage() {
  const { t } = useTranslation("auth");
  const { token } = useParams<{ token: string }>();
  const path = `/api/v1/public/invites/${encodeURIComponent(token ?? "")}`;
  const { view, trouble } = useLinkView<InvitationView>(path);
  if (trouble) return <Trouble text={trouble} />;
  if (!view) return <Loading />;
  return (
    <Frame>
      <Title order={2} size="h3">
        {t("accept.joinTitle", { business: view.businessName })}
      </Title>
      <Text>
        <Trans
          t={t}
          i18nKey="accept.invited"
          values={{ name: view.name, business: view.businessName }}
          components={{ b: <b /> }}
        />{" "}
        <Badge variant="light">{roleLabel(view.role)}</Badge>
      </Text>
      <AccountStep view={view} action={t("accept.acceptInvite")} submitPath={`${path}/accept`} landing="/" />
    </Frame>
  );
}

export function SignUpLinkPage() {
  const { t } = useTranslation("auth");
  const { token } = useParams<{ token: string }>();
  const path = `/api/v1/public/sign-ups/${encodeURIComponent(token ?? "")}`;
  const { view, trouble } = useLinkView<SignUpView>(path);
  if (trouble) return <Trouble text={trouble} />;
  if (!view) return <Loading />;
  return (
    <Frame>
      <Title order={2} size="h3">
        {t("accept.createTitle", { business: view.businessName })}
      </Title>
      <Text size="sm">{t("accept.createWith", { location: view.locationName, owner: view.ownerName })}</Text>
      <AccountStep view={view} action={t("accept.createBusiness")} submitPath={path} landing="/start" />
    </Frame>
  );
}
