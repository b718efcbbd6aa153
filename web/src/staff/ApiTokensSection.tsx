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
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiToken, ApiTokenMade } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { dateTimeIn } from "../format.js";
import { numberInputSeparators } from "../number-input.js";
import { formError } from "../onboarding/field-error.js";

const STATUS_COLOR: Record<ApiToken["status"], string> = { active: "green", expired: "gray", revoked: "red" };
const TOKENS = ["staff", "tokens"];

export function ApiTokensSection() {
  const me = useMe();
  const { t } = useTranslation("staff");
  const queryClient = useQueryClient();
  const zone = me.location.timeZone;
  const mobile = useMediaQuery("(max-width: 36em)");
  const tokens = useQuery({ queryKey: TOKENS, queryFn: () => api.get<ApiToken[]>("/api/v1/auth/tokens") });
  const [name, setName] = useState("");
  const [days, setDays] = useState<number | string>(90);
  const [made, setMade] = useState<ApiTokenMade | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const create = useMutation({
    mutationFn: () =>
      api.post<ApiTokenMade>("/api/v1/auth/tokens", {
        name: name.trim(),
        ...(days === "" ? {} : { expiresInDays: Number(days) }),
      }),
    onSuccess: (token) => {
      setMade(token);
      setName("");
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: TOKENS }),
  });

  const revoke = useMutation({
    mutationFn: (token: ApiToken) => api.post(`/api/v1/auth/tokens/${token.id}/revoke`),
    onSuccess: (_, token) => notifications.show({ message: t("tokens.revoked", { name: token.name }) }),
    onError: (err) => notifications.show({ color: "red", message: plainWords(err) }),
    onSettled: () => {
      setRevoking(null);
      void queryClient.invalidateQueries({ queryKey: TOKENS });
    },
  });

  const formErr = create.error ? formError(create.error) : null;
  const at = (field: string) => (formErr?.field === field ? formErr.text : undefined);
  const when = (token: ApiToken) =>
    token.status === "revoked" && token.revokedAt
      ? token.revokedBy
        ? "tokens.revokedAtBy"
        : "tokens.revokedAt"
      : token.status === "expired"
        ? "tokens.expiredAt"
        : "tokens.expiresAt";
  return (
    <Stack data-testid="api-tokens">
      <Title order={3}>{t("tokens.title")}</Title>
      <Text size="sm" c="dimmed">
        {t("tokens.intro")}
      </Text>
      <Paper
        withBorder
        p="sm"
        component="form"
        onSubmit={(e: React.FormEvent) => {
          e.preventDefault();
          create.mutate();
        }}
        noValidate
      >
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t("tokens.name")}
            description={t("tokens.nameHint")}
            placeholder={t("tokens.namePlaceholder")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={200}
            error={at("name")}
            flex="1 1 220px"
          />
          <NumberInput
            {...numberInputSeparators()}
            label={t("tokens.days")}
            description={t("tokens.daysHint")}
            value={days}
            onChange={setDays}
            min={1}
            max={365}
            allowDecimal={false}
            error={at("expiresInDays")}
            w={150}
          />
          <Button type="submit" loading={create.isPending} mb={at("name") || at("expiresInDays") ? 22 : 0}>
            {t("tokens.create")}
          </Button>
        </Group>
        {formErr && !["name", "expiresInDays"].includes(formErr.field ?? "") && (
          <Alert color="red" mt="sm">
            {formErr.text}
          </Alert>
        )}
      </Paper>
      {tokens.error && <Alert color="red">{plainWords(tokens.error)}</Alert>}
      {!tokens.data && !tokens.error && <Loader size="sm" aria-label={t("tokens.loading")} />}
      {tokens.data?.length === 0 && (
        <Text c="dimmed" size="sm">
          {t("tokens.none")}
        </Text>
      )}
      {tokens.data?.map((token) => (
        <Paper key={token.id} withBorder p="sm" data-testid="api-token">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={2} flex="1 1 240px" miw={0}>
              <Group gap="xs">
                <Text fw={600} style={{ overflowWrap: "anywhere" }}>
                  {token.name}
                </Text>
                <Badge color={STATUS_COLOR[token.status]} variant="light" size="sm">
                  {t(`tokens.status.${token.status}`)}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed">
                {t("tokens.actsAs", { name: token.madeBy.name, date: dateTimeIn(token.createdAt, zone) })}
              </Text>
              <Text size="sm">
                {t(when(token), {
                  date: dateTimeIn(
                    token.status === "revoked" && token.revokedAt ? token.revokedAt : token.expiresAt,
                    zone,
                  ),
                  name: token.revokedBy?.name,
                })}
                {" · "}
                {token.lastUsedAt
                  ? t("tokens.lastUsed", { date: dateTimeIn(token.lastUsedAt, zone) })
                  : t("tokens.neverUsed")}
              </Text>
            </Stack>
            {token.status === "active" && (
              <Button
                size="xs"
                color="red"
                variant="light"
                onClick={() => setRevoking(token)}
                aria-label={t("tokens.revokeName", { name: token.name })}
              >
                {t("tokens.revoke")}
              </Button>
            )}
          </Group>
        </Paper>
      ))}

      <Modal
        opened={made !== null}
        onClose={() => setMade(null)}
        title={t("tokens.madeTitle", { name: made?.name ?? "" })}
        fullScreen={mobile}
        closeOnClickOutside={false}
      >
        {made && (
          <Stack>
            <Alert color="yellow" title={t("tokens.copyNow")}>
              {t("tokens.onlyOnce")}
            </Alert>
            <Code block data-testid="new-token" style={{ overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}>
              {made.token}
            </Code>
            <Text size="sm" c="dimmed">
              {t("tokens.expires", { date: dateTimeIn(made.expiresAt, zone) })}
            </Text>
            <Group justify="flex-end">
              <CopyButton value={made.token}>
                {({ copied, copy }) => (
                  <Button variant="light" color={copied ? "green" : "violet"} onClick={copy}>
                    {copied ? t("tokens.copied") : t("tokens.copy")}
                  </Button>
                )}
              </CopyButton>
              <Button onClick={() => setMade(null)}>{t("tokens.haveCopied")}</Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <Modal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={t("tokens.revokeTitle", { name: revoking?.name ?? "" })}
      >
        <Stack>
          <Text size="sm">{t("tokens.revokeText")}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              {t("tokens.keep")}
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() => revoking && revoke.mutate(revoking)}
            >
              {t("tokens.revokeConfirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
