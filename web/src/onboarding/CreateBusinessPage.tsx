// O1: "Create your business". On an empty Carnet (demo mode off) it creates the business, its first
// location and its owner, and lands the owner signed in on the start page. With open sign-up it asks
// for the same without a password, and a link e-mailed to the owner creates the business.
import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMemo, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { api } from "../api.js";
import { errorHelpers, type FormError, formError } from "./field-error.js";
import { browserZone, currencies, guessCurrency, timeZones } from "./zones.js";

type Mode = "first-run" | "sign-up";

const FIELDS = [
  "businessName",
  "location.name",
  "location.address",
  "location.timeZone",
  "location.currency",
  "owner.name",
  "owner.email",
  "owner.password",
  "repeat",
] as const;

interface Props {
  mode: Mode;
  /** after the first run: the session is there, the app reloads it */
  onCreated?: () => Promise<void>;
}

export function CreateBusinessPage({ mode, onCreated }: Props) {
  const { t, i18n } = useTranslation("onboarding");
  const navigate = useNavigate();
  const zones = useMemo(timeZones, []);
  const money = useMemo(() => currencies(i18n.language), [i18n.language]);
  const [businessName, setBusinessName] = useState("");
  const [locationName, setLocationName] = useState("");
  const [timeZone, setTimeZone] = useState<string | null>(browserZone());
  const [currency, setCurrency] = useState<string | null>(guessCurrency());
  const [address, setAddress] = useState("");
  const [ownerName, setOwnerName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  const shown = errorHelpers(error, FIELDS);
  const fieldError = shown.at;

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    if (mode === "first-run" && password !== repeat) {
      setError({ text: t("auth:passwordsDiffer"), field: "repeat" });
      return;
    }
    setBusy(true);
    // What a tired hand pastes: a space before or after a name or an address is not part of it.
    const business = businessName.trim();
    const owner = { name: ownerName.trim(), email: email.trim() };
    const location = {
      name: locationName.trim() || business,
      timeZone,
      currency,
      ...(address.trim() ? { address: address.trim() } : {}),
    };
    try {
      if (mode === "first-run") {
        await api.plainPost("/api/v1/setup/business", {
          businessName: business,
          location,
          owner: { ...owner, password },
        });
        // The owner is signed in (the cookie is set): the app opens on the start page at "/".
        navigate("/", { replace: true });
        await onCreated?.();
      } else {
        const sent = await api.plainPost<{ email: string }>("/api/v1/public/sign-ups", {
          businessName: business,
          location,
          owner,
          // U2: the link is e-mailed in the language this page speaks.
          language: i18n.resolvedLanguage ?? i18n.language,
        });
        setSentTo(sent.email);
      }
    } catch (e) {
      setError(formError(e));
    } finally {
      setBusy(false);
    }
  }

  if (sentTo) {
    return (
      <Center mih="100vh" p="md" bg="gray.0">
        <Paper withBorder shadow="sm" p="lg" w={520} maw="100%">
          <Stack>
            <Title order={1} size="h2">
              {t("sent.title")}
            </Title>
            <Text data-testid="sign-up-sent">
              <Trans
                t={t}
                i18nKey="sent.text"
                values={{ email: sentTo, business: businessName }}
                components={{ b: <b /> }}
              />
            </Text>
            <Anchor component={Link} to="/">
              {t("auth:backToSignIn")}
            </Anchor>
          </Stack>
        </Paper>
      </Center>
    );
  }

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Stack w={640} maw="100%">
        <Title order={1} ta="center" c="violet.8">
          Carnet
        </Title>
        <Paper withBorder shadow="sm" p="lg" component="form" onSubmit={submit} noValidate>
          <Stack>
            <div>
              <Title order={2} size="h3">
                {t("create.title")}
              </Title>
              <Text size="sm" c="dimmed">
                {mode === "first-run" ? t("create.introFirstRun") : t("create.introSignUp")}
              </Text>
            </div>
            {shown.general && (
              <Alert color="red" role="alert">
                {shown.general}
              </Alert>
            )}
            <TextInput
              label={t("create.businessName")}
              required
              value={businessName}
              onChange={(e) => setBusinessName(e.currentTarget.value)}
              error={fieldError("businessName")}
              autoFocus
            />
            <Title order={3} size="h5" mt="xs">
              {t("create.firstLocation")}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t("create.locationName")}
                placeholder={businessName || t("create.locationNameExample")}
                description={t("create.locationNameHint")}
                value={locationName}
                onChange={(e) => setLocationName(e.currentTarget.value)}
                error={fieldError("location.name")}
              />
              <TextInput
                label={t("create.address")}
                value={address}
                onChange={(e) => setAddress(e.currentTarget.value)}
                error={fieldError("location.address")}
              />
              <Select
                label={t("create.timeZone")}
                required
                searchable
                data={zones}
                value={timeZone}
                onChange={setTimeZone}
                allowDeselect={false}
                limit={50}
                error={fieldError("location.timeZone")}
              />
              <Select
                label={t("create.currency")}
                required
                searchable
                data={money}
                value={currency}
                onChange={setCurrency}
                allowDeselect={false}
                limit={50}
                error={fieldError("location.currency")}
              />
            </SimpleGrid>
            <Title order={3} size="h5" mt="xs">
              {mode === "first-run" ? t("create.youOwner") : t("create.theOwner")}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t("create.yourName")}
                required
                value={ownerName}
                onChange={(e) => setOwnerName(e.currentTarget.value)}
                error={fieldError("owner.name")}
              />
              <TextInput
                label={t("auth:email")}
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={fieldError("owner.email")}
              />
              {mode === "first-run" && (
                <>
                  <PasswordInput
                    label={t("auth:password")}
                    description={t("auth:atLeast10")}
                    autoComplete="new-password"
                    required
                    value={password}
                    onChange={(e) => setPassword(e.currentTarget.value)}
                    error={fieldError("owner.password")}
                  />
                  <PasswordInput
                    label={t("auth:passwordAgain")}
                    autoComplete="new-password"
                    required
                    value={repeat}
                    onChange={(e) => setRepeat(e.currentTarget.value)}
                    error={fieldError("repeat")}
                  />
                </>
              )}
            </SimpleGrid>
            <Group justify="space-between" mt="sm">
              {mode === "sign-up" ? (
                <Anchor component={Link} to="/" size="sm">
                  {t("create.haveAccount")}
                </Anchor>
              ) : (
                <span />
              )}
              <Button type="submit" loading={busy}>
                {mode === "first-run" ? t("create.submitFirstRun") : t("create.submitSignUp")}
              </Button>
            </Group>
          </Stack>
        </Paper>
      </Stack>
    </Center>
  );
}
