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
import { Link, useParams } from "react-router";
import { ApiError, api, plainWords } from "../api.js";
import { ROLE_LABEL } from "../format.js";
import { errorHelpers, type FormError, formError } from "../onboarding/field-error.js";

interface LinkView {
  email: string;
  hasAccount: boolean;
  expiresAt: string;
}
interface InvitationView extends LinkView {
  businessName: string;
  name: string;
  role: string;
}
interface SignUpView extends LinkView {
  businessName: string;
  locationName: string;
  ownerName: string;
}

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
  view: LinkView;
  action: string;
  submitPath: string;
  landing: string;
}) {
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<FormError | null>(null);
  const shown = errorHelpers(error, ["password", "repeat"]);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    if (!view.hasAccount && password !== repeat) {
      setError({ text: "The two passwords differ: type the same one twice.", field: "repeat" });
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
          ? { text: "This is not the password of this account.", field: "password" }
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
            Sign in with the password of your Carnet account <b>{view.email}</b>.
          </Text>
        ) : (
          <Text size="sm">
            Choose a password for <b>{view.email}</b>. You sign in with this e-mail and password.
          </Text>
        )}
        {shown.general && (
          <Alert color="red" role="alert">
            {shown.general}
          </Alert>
        )}
        <PasswordInput
          label={view.hasAccount ? "Password" : "Choose a password"}
          description={view.hasAccount ? undefined : "At least 10 characters"}
          autoComplete={view.hasAccount ? "current-password" : "new-password"}
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={shown.at("password")}
          autoFocus
        />
        {!view.hasAccount && (
          <PasswordInput
            label="Password again"
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
            Forgot your password?
          </Anchor>
        )}
      </Stack>
    </form>
  );
}

function Trouble({ text }: { text: string }) {
  return (
    <Frame>
      <Title order={2} size="h3">
        This link does not work
      </Title>
      <Text data-testid="link-trouble">{text}</Text>
      <Anchor component={Link} to="/">
        Go to sign-in
      </Anchor>
    </Frame>
  );
}

const Loading = () => (
  <Center mih="60vh">
    <Loader aria-label="Loading" />
  </Center>
);

export function InvitePage() {
  const { token } = useParams<{ token: string }>();
  const path = `/api/v1/public/invites/${encodeURIComponent(token ?? "")}`;
  const { view, trouble } = useLinkView<InvitationView>(path);
  if (trouble) return <Trouble text={trouble} />;
  if (!view) return <Loading />;
  return (
    <Frame>
      <Title order={2} size="h3">
        Join {view.businessName}
      </Title>
      <Text>
        Welcome, {view.name}. You are invited to work at <b>{view.businessName}</b> as{" "}
        <Badge variant="light">{ROLE_LABEL[view.role] ?? view.role}</Badge>
      </Text>
      <AccountStep view={view} action="Accept and sign in" submitPath={`${path}/accept`} landing="/" />
    </Frame>
  );
}

export function SignUpLinkPage() {
  const { token } = useParams<{ token: string }>();
  const path = `/api/v1/public/sign-ups/${encodeURIComponent(token ?? "")}`;
  const { view, trouble } = useLinkView<SignUpView>(path);
  if (trouble) return <Trouble text={trouble} />;
  if (!view) return <Loading />;
  return (
    <Frame>
      <Title order={2} size="h3">
        Create {view.businessName}
      </Title>
      <Text size="sm">
        With its first location, {view.locationName}, and {view.ownerName} as its owner.
      </Text>
      <AccountStep view={view} action="Create business" submitPath={path} landing="/start" />
    </Frame>
  );
}
