// What can go on a ticket: services, products, classes and packages with their prices in the
// ticket's currency, and the service date (default today at the location). A package can be sold as
// a gift (G2): "This is a gift" asks who receives it and an optional message; the ticket's customer
// pays. Off unless turned on, and off again once the gift is on the ticket.
import {
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Switch,
  Tabs,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { money } from "../format.js";
import { CustomerPicker } from "./CustomerPicker.js";
import { useSellable } from "./queries.js";

export type NewLine =
  | { itemId: string }
  | { templateId: string; giftToCustomerId?: string; giftMessage?: string };

const KINDS = ["service", "product", "class_type"] as const;

export function AddToTicket({
  currency,
  customerId,
  busy,
  onAdd,
}: {
  currency: string;
  /** the ticket's customer (who pays for a gift), or null for a walk-in */
  customerId: string | null;
  busy: boolean;
  /** `done` is called once the line is on the ticket */
  onAdd: (line: NewLine & { serviceDate?: string }, done: () => void) => void;
}) {
  const { t } = useTranslation("till");
  const { items, templates } = useSellable();
  const hasCustomer = customerId !== null;
  const [serviceDate, setServiceDate] = useState("");
  const [gift, setGift] = useState(false);
  const [recipient, setRecipient] = useState<{ id: string; name: string } | null>(null);
  const [message, setMessage] = useState("");
  const giftDone = () => {
    setGift(false);
    setRecipient(null);
    setMessage("");
  };
  const add = (line: NewLine) => onAdd({ ...line, ...(serviceDate ? { serviceDate } : {}) }, () => {});
  const sellPackage = (templateId: string) =>
    gift && recipient
      ? onAdd(
          {
            templateId,
            giftToCustomerId: recipient.id,
            ...(message.trim() ? { giftMessage: message.trim() } : {}),
            ...(serviceDate ? { serviceDate } : {}),
          },
          giftDone,
        )
      : add({ templateId });
  return (
    <Card withBorder data-testid="add-to-ticket">
      <Group justify="space-between" align="flex-end" mb="xs" wrap="wrap">
        <Text fw={600}>{t("add.title")}</Text>
        <TextInput
          type="date"
          size="xs"
          label={t("add.serviceDate")}
          description={t("add.serviceDateHint")}
          value={serviceDate}
          onChange={(e) => setServiceDate(e.currentTarget.value)}
        />
      </Group>
      <Tabs defaultValue="service">
        <Tabs.List>
          {KINDS.map((k) => (
            <Tabs.Tab key={k} value={k}>
              {t(`add.kinds.${k}`)}
            </Tabs.Tab>
          ))}
          <Tabs.Tab value="packages">{t("add.kinds.packages")}</Tabs.Tab>
        </Tabs.List>
        {KINDS.map((k) => (
          <Tabs.Panel key={k} value={k} pt="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
              {(items.data ?? [])
                .filter((i) => i.active && i.kind === k && i.prices[currency] !== undefined)
                .map((i) => (
                  <Button
                    key={i.id}
                    variant="default"
                    justify="space-between"
                    fullWidth
                    disabled={busy}
                    onClick={() => add({ itemId: i.id })}
                    rightSection={money(i.prices[currency]!, currency)}
                  >
                    {i.name}
                  </Button>
                ))}
            </SimpleGrid>
          </Tabs.Panel>
        ))}
        <Tabs.Panel value="packages" pt="sm">
          {!hasCustomer ? (
            <Text size="sm" c="dimmed" mb="xs">
              {t("add.packageNeedsCustomer")}
            </Text>
          ) : (
            <Stack gap="xs" mb="sm">
              <Switch
                label={t("add.gift")}
                checked={gift}
                onChange={(e) => setGift(e.currentTarget.checked)}
                data-testid="gift-switch"
              />
              {gift && (
                <Stack gap="xs" pl="md" style={{ borderLeft: "3px solid var(--mantine-color-pink-3)" }}>
                  <CustomerPicker
                    label={t("add.giftTo")}
                    value={recipient}
                    onChange={setRecipient}
                    exclude={customerId ?? undefined}
                    autoFocus
                  />
                  <Textarea
                    label={t("add.giftMessage")}
                    description={t("add.giftMessageHint")}
                    value={message}
                    onChange={(e) => setMessage(e.currentTarget.value)}
                    maxLength={500}
                    autosize
                    minRows={1}
                  />
                  <Text size="sm" c={recipient ? undefined : "dimmed"} data-testid="gift-hint">
                    {recipient ? t("add.giftChoose", { name: recipient.name }) : t("add.giftPickFirst")}
                  </Text>
                </Stack>
              )}
            </Stack>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
            {(templates.data ?? [])
              .filter((tp) => tp.prices[currency] !== undefined)
              .map((tp) => (
                <Button
                  key={tp.id}
                  variant="default"
                  justify="space-between"
                  fullWidth
                  disabled={busy || !hasCustomer || (gift && !recipient)}
                  onClick={() => sellPackage(tp.id)}
                  rightSection={money(tp.prices[currency]!, currency)}
                >
                  {tp.name}
                </Button>
              ))}
          </SimpleGrid>
        </Tabs.Panel>
      </Tabs>
    </Card>
  );
}
