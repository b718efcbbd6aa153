// W3: the business's webhook endpoints: the list, a new endpoint (its secret shown once), turning
// one off or on, a new secret, and each endpoint's delivery log with "resend".
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Modal,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { WebhookDelivery as Delivery, WebhookEndpoint as Endpoint } from "../api/types.js";
import { api, plainWords, query } from "../api.js";

type EventType = Endpoint["events"][number];
/**
 * Every event the server sends (W3), in the order the form offers them. A record of the generated
 * union: an event added to or taken from the server fails the web app's typecheck until it is here.
 */
const EVENT_ORDER: Record<EventType, number> = {
  "package.sold": 0,
  "package.redeemed": 1,
  "package.redemption_reversed": 2,
  "package.adjusted": 3,
  "package.extended": 4,
  "package.expired": 5,
  "package.refunded": 6,
  "package.transferred": 7,
  "package.paused": 8,
  "package.resumed": 9,
  "appointment.booked": 10,
  "appointment.cancelled": 11,
  "appointment.no_show": 12,
  "ticket.closed": 13,
  "ticket.refunded": 14,
  "class.enrolment.consumed": 15,
  "customer.created": 16,
};
export const WEBHOOK_EVENTS = (Object.keys(EVENT_ORDER) as EventType[]).sort(
  (a, b) => EVENT_ORDER[a] - EVENT_ORDER[b],
);

const KEY = ["settings", "webhooks"];

export function WebhooksSection() {
  const { t } = useTranslation("webhooks");
  const client = useQueryClient();
  const endpoints = useQuery({ queryKey: KEY, queryFn: () => api.get<Endpoint[]>("/api/v1/webhooks") });
  const [secret, setSecret] = useState<string | null>(null);
  const [log, setLog] = useState<Endpoint | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: KEY });
  const fail = (error: unknown) => notifications.show({ color: "red", message: plainWords(error) });
  const toggle = useMutation({
    mutationFn: (e: Endpoint) => api.patch(`/api/v1/webhooks/${e.id}`, { enabled: !e.enabled }),
    onSuccess: refresh,
    onError: fail,
  });
  const rotate = useMutation({
    mutationFn: (e: Endpoint) => api.post<{ secret: string }>(`/api/v1/webhooks/${e.id}/rotate-secret`),
    onSuccess: (answer) => {
      setSecret(answer.secret);
      void refresh();
    },
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: (e: Endpoint) => api.del(`/api/v1/webhooks/${e.id}`),
    onSuccess: refresh,
    onError: fail,
  });

  return (
    <Card withBorder data-testid="webhooks-section">
      <Stack>
        <Title order={4}>{t("title")}</Title>
        <Text size="sm" c="dimmed">
          {t("intro")}
        </Text>
        {endpoints.error && <Alert color="red">{plainWords(endpoints.error)}</Alert>}
        {endpoints.data?.length === 0 && <Text size="sm">{t("none")}</Text>}
        {endpoints.data?.map((e) => (
          <Card key={e.id} withBorder padding="sm">
            <Stack gap={4}>
              <Group justify="space-between" wrap="wrap">
                <Text fw={500} style={{ wordBreak: "break-all" }}>
                  {e.url}
                </Text>
                <Badge color={e.enabled ? "green" : "gray"}>
                  {e.enabled
                    ? t("enabled")
                    : e.disabledReason === "failing_for_three_days"
                      ? t("disabledFailing")
                      : t("disabled")}
                </Badge>
              </Group>
              {e.description && <Text size="sm">{e.description}</Text>}
              <Text size="xs" c="dimmed">
                {e.events.join(", ")}
              </Text>
              <Group gap="xs" wrap="wrap">
                <Button size="xs" variant="light" onClick={() => setLog(e)}>
                  {t("log")}
                </Button>
                <Button size="xs" variant="light" onClick={() => toggle.mutate(e)} loading={toggle.isPending}>
                  {e.enabled ? t("turnOff") : t("turnOn")}
                </Button>
                <Button size="xs" variant="light" onClick={() => rotate.mutate(e)} loading={rotate.isPending}>
                  {t("rotate")}
                </Button>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() => window.confirm(t("removeConfirm")) && remove.mutate(e)}
                >
                  {t("remove")}
                </Button>
              </Group>
            </Stack>
          </Card>
        ))}
        <NewEndpoint onCreated={(s) => setSecret(s)} />
      </Stack>
      <Modal opened={secret !== null} onClose={() => setSecret(null)} title={t("secretTitle")}>
        <Stack>
          <Text size="sm">{t("secretOnce")}</Text>
          <Code block data-testid="webhook-secret">
            {secret}
          </Code>
          <Button onClick={() => setSecret(null)}>{t("secretDone")}</Button>
        </Stack>
      </Modal>
      <Modal opened={log !== null} onClose={() => setLog(null)} title={t("log")} size="xl">
        {log && <DeliveryLog endpoint={log} />}
      </Modal>
    </Card>
  );
}

function NewEndpoint({ onCreated }: { onCreated: (secret: string) => void }) {
  const { t } = useTranslation("webhooks");
  const client = useQueryClient();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<string[]>([...WEBHOOK_EVENTS]);
  const create = useMutation({
    mutationFn: () =>
      api.post<{ secret: string }>("/api/v1/webhooks", {
        url: url.trim(),
        events,
        description: description.trim(),
      }),
    onSuccess: (answer) => {
      setUrl("");
      setDescription("");
      onCreated(answer.secret);
      void client.invalidateQueries({ queryKey: KEY });
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <Stack gap="xs">
        <Title order={5}>{t("add")}</Title>
        <TextInput
          label={t("url")}
          placeholder={t("urlPlaceholder")}
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
          required
        />
        <TextInput
          label={t("description")}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          maxLength={500}
        />
        <Checkbox.Group label={t("events")} value={events} onChange={setEvents}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
            {WEBHOOK_EVENTS.map((name) => (
              <Checkbox key={name} value={name} label={name} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
        {create.error && <Alert color="red">{plainWords(create.error)}</Alert>}
        <Group>
          <Button
            type="submit"
            loading={create.isPending}
            disabled={url.trim() === "" || events.length === 0}
          >
            {t("addButton")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DeliveryLog({ endpoint }: { endpoint: Endpoint }) {
  const { t } = useTranslation("webhooks");
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const key = [...KEY, endpoint.id, "deliveries", cursor ?? ""];
  const client = useQueryClient();
  const page = useQuery({
    queryKey: key,
    queryFn: () =>
      api.get<{ items: Delivery[]; nextCursor: string | null }>(
        `/api/v1/webhooks/${endpoint.id}/deliveries${query({ limit: 50, cursor })}`,
      ),
  });
  const resend = useMutation({
    mutationFn: (d: Delivery) => api.post(`/api/v1/webhooks/${endpoint.id}/deliveries/${d.id}/resend`),
    onSuccess: () => {
      notifications.show({ message: t("resent") });
      void client.invalidateQueries({ queryKey: key });
    },
    onError: (error) => notifications.show({ color: "red", message: plainWords(error) }),
  });
  if (page.error) return <Alert color="red">{plainWords(page.error)}</Alert>;
  if (!page.data) return null;
  if (page.data.items.length === 0) return <Text size="sm">{t("logEmpty")}</Text>;
  return (
    <Stack>
      <Table.ScrollContainer minWidth={640}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("event")}</Table.Th>
              <Table.Th>{t("status")}</Table.Th>
              <Table.Th>{t("answer")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.data.items.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>
                  <Text size="sm">{d.type}</Text>
                  <Text size="xs" c="dimmed">
                    {new Date(d.occurredAt).toLocaleString()}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge
                    color={d.status === "delivered" ? "green" : d.status === "failed" ? "red" : "yellow"}
                  >
                    {t(`statuses.${d.status}`)}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    {t("attempts", { count: d.attempts })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {d.lastStatusCode ?? "–"}
                    {d.lastDurationMs !== null && ` · ${t("durationMs", { ms: d.lastDurationMs })}`}
                  </Text>
                  <Text size="xs" c="dimmed" lineClamp={2} style={{ wordBreak: "break-all" }}>
                    {d.lastError ?? d.lastResponse ?? ""}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    onClick={() => resend.mutate(d)}
                    loading={resend.isPending}
                  >
                    {t("resend")}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group>
        {cursor && (
          <Button variant="subtle" onClick={() => setCursor(undefined)}>
            {t("newest")}
          </Button>
        )}
        {page.data.nextCursor && (
          <Button variant="subtle" onClick={() => setCursor(page.data.nextCursor ?? undefined)}>
            {t("older")}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
