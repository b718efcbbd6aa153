// What can go on a ticket: services, products, classes and packages with their prices in the
// ticket's currency, and the service date (default today at the location).
import { Button, Card, Group, SimpleGrid, Tabs, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { money } from "../format.js";
import { useSellable } from "./queries.js";

export type NewLine = { itemId: string } | { templateId: string };

const KINDS = ["service", "product", "class_type"] as const;

export function AddToTicket({
  currency,
  hasCustomer,
  busy,
  onAdd,
}: {
  currency: string;
  hasCustomer: boolean;
  busy: boolean;
  onAdd: (line: NewLine & { serviceDate?: string }) => void;
}) {
  const { t } = useTranslation("till");
  const { items, templates } = useSellable();
  const [serviceDate, setServiceDate] = useState("");
  const add = (line: NewLine) => onAdd({ ...line, ...(serviceDate ? { serviceDate } : {}) });
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
          {!hasCustomer && (
            <Text size="sm" c="dimmed" mb="xs">
              {t("add.packageNeedsCustomer")}
            </Text>
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
                  disabled={busy || !hasCustomer}
                  onClick={() => add({ templateId: tp.id })}
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
