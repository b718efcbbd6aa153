// O2: API tokens for integrations. A token acts as the person who made it, until it expires or is
// revoked or its maker is deactivated. It is shown once, when it is made: Carnet keeps only a
// fingerprint of it. Managers and the owner make, list and revoke them.
import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  NumberInput,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { api, plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { dateTimeIn } from "../format.js";
import { type FormError, formError } from "../onboarding/field-error.js";
import type { ApiToken, ApiTokenMade } from "./types.js";

const STATUS: Record<ApiToken["status"], { label: string; color: string }> = {
  active: { label: "Active", color: "green" },
  expired: { label: "Expired", color: "gray" },
  revoked: { label: "Revoked", color: "red" },
};

export function ApiTokensSection() {
  const me = useMe();
  const zone = me.location.timeZone;
  const mobile = useMediaQuery("(max-width: 36em)");
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [days, setDays] = useState<number | string>(90);
  const [formErr, setFormErr] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<ApiTokenMade | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const load = useCallback(() => {
    api.get<ApiToken[]>("/api/v1/auth/tokens").then(
      (t) => {
        setTokens(t);
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, []);
  useEffect(load, [load]);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFormErr(null);
    try {
      const token = await api.post<ApiTokenMade>("/api/v1/auth/tokens", {
        name: name.trim(),
        ...(days === "" ? {} : { expiresInDays: Number(days) }),
      });
      setMade(token);
      setName("");
      load();
    } catch (err) {
      setFormErr(formError(err));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(token: ApiToken) {
    try {
      await api.post(`/api/v1/auth/tokens/${token.id}/revoke`);
      notifications.show({ message: `${token.name} is revoked: it no longer works.` });
      load();
    } catch (err) {
      notifications.show({ color: "red", message: plainWords(err) });
    } finally {
      setRevoking(null);
    }
  }

  const at = (field: string) => (formErr?.field === field ? formErr.text : undefined);
  return (
    <Stack data-testid="api-tokens">
      <Title order={3}>API tokens</Title>
      <Text size="sm" c="dimmed">
        For other software that works with Carnet (a website, an accounting tool). A token acts as you, with
        your role, until it expires or is revoked.
      </Text>
      <Paper withBorder p="sm" component="form" onSubmit={create} noValidate>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Name"
            description="What uses it"
            placeholder="Website booking widget"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={200}
            error={at("name")}
            flex="1 1 220px"
          />
          <NumberInput
            label="Expires in (days)"
            description="1 to 365"
            value={days}
            onChange={setDays}
            min={1}
            max={365}
            allowDecimal={false}
            error={at("expiresInDays")}
            w={150}
          />
          <Button type="submit" loading={busy} mb={at("name") || at("expiresInDays") ? 22 : 0}>
            Create token
          </Button>
        </Group>
        {formErr && !["name", "expiresInDays"].includes(formErr.field ?? "") && (
          <Alert color="red" mt="sm">
            {formErr.text}
          </Alert>
        )}
      </Paper>
      {error && <Alert color="red">{error}</Alert>}
      {!tokens && !error && <Loader size="sm" aria-label="Loading API tokens" />}
      {tokens?.length === 0 && (
        <Text c="dimmed" size="sm">
          No API tokens yet.
        </Text>
      )}
      {tokens?.map((t) => (
        <Paper key={t.id} withBorder p="sm" data-testid="api-token">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={2} flex="1 1 240px" miw={0}>
              <Group gap="xs">
                <Text fw={600} style={{ overflowWrap: "anywhere" }}>
                  {t.name}
                </Text>
                <Badge color={STATUS[t.status].color} variant="light" size="sm">
                  {STATUS[t.status].label}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed">
                Acts as {t.madeBy.name} · made {dateTimeIn(t.createdAt, zone)}
              </Text>
              <Text size="sm">
                {t.status === "revoked" && t.revokedAt
                  ? `Revoked ${dateTimeIn(t.revokedAt, zone)}${t.revokedBy ? ` by ${t.revokedBy.name}` : ""}`
                  : `${t.status === "expired" ? "Expired" : "Expires"} ${dateTimeIn(t.expiresAt, zone)}`}
                {" · "}
                {t.lastUsedAt ? `last used ${dateTimeIn(t.lastUsedAt, zone)}` : "never used"}
              </Text>
            </Stack>
            {t.status === "active" && (
              <Button
                size="xs"
                color="red"
                variant="light"
                onClick={() => setRevoking(t)}
                aria-label={`Revoke ${t.name}`}
              >
                Revoke
              </Button>
            )}
          </Group>
        </Paper>
      ))}

      <Modal
        opened={made !== null}
        onClose={() => setMade(null)}
        title={`Token "${made?.name ?? ""}" created`}
        fullScreen={mobile}
        closeOnClickOutside={false}
      >
        {made && (
          <Stack>
            <Alert color="yellow" title="Copy it now">
              This is the only time Carnet shows this token: it keeps only a fingerprint of it. Store it where
              the software that uses it can read it; anyone who has it can act as you.
            </Alert>
            <Code block data-testid="new-token" style={{ overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}>
              {made.token}
            </Code>
            <Text size="sm" c="dimmed">
              Expires {dateTimeIn(made.expiresAt, zone)}.
            </Text>
            <Group justify="flex-end">
              <CopyButton value={made.token}>
                {({ copied, copy }) => (
                  <Button variant="light" color={copied ? "green" : "violet"} onClick={copy}>
                    {copied ? "Copied" : "Copy token"}
                  </Button>
                )}
              </CopyButton>
              <Button onClick={() => setMade(null)}>I have copied it</Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <Modal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke ${revoking?.name ?? ""}?`}
      >
        <Stack>
          <Text size="sm">
            The software that uses this token is refused from its next request on. This cannot be undone: make
            a new token if it is needed again.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Keep it
            </Button>
            <Button color="red" onClick={() => revoking && revoke(revoking)}>
              Revoke token
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
