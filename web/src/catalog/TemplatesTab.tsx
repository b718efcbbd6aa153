// The packages and courses the business sells (P2, O3): create, edit, retire. Retiring stops new
// sales; packages already sold keep working as they were sold.
import { Alert, Badge, Button, Group, Loader, Modal, Paper, Stack, Switch, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Template } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { localDate, money, UNLIMITED_ABOVE } from "../format.js";
import { useItems, useTemplates } from "./queries.js";
import { TemplateForm } from "./TemplateForm.js";

export function validityText(t: TFunction<"catalog">, v: Template["validity"]): string {
  switch (v.kind) {
    case "days":
      return t("validity.days", { count: v.count ?? 0 });
    case "months":
      return t("validity.months", { count: v.count ?? 0 });
    case "fixed_date":
      return v.date ? t("validity.until", { date: localDate(v.date) }) : t("validity.untilADate");
    case "one_day":
      return t("validity.oneDay");
    case "none":
      return t("validity.never");
    default:
      return v.kind;
  }
}

export function TemplatesTab() {
  const me = useMe();
  const { t } = useTranslation("catalog");
  const queryClient = useQueryClient();
  const templates = useTemplates();
  const itemsQuery = useItems();
  const items = itemsQuery.data ?? [];
  const [showRetired, setShowRetired] = useState(false);
  const [editing, setEditing] = useState<Template | "new" | null>(null);
  const [retiring, setRetiring] = useState<Template | null>(null);
  const refreshCatalog = () => queryClient.invalidateQueries({ queryKey: ["catalog"] });

  const retire = useMutation({
    mutationFn: (template: Template) => api.post(`/api/v1/templates/${template.id}/retire`),
    onSuccess: (_, template) => {
      notifications.show({ message: t("template.retired", { name: template.name }) });
      setRetiring(null);
    },
    onError: (e) => notifications.show({ color: "red", message: plainWords(e) }),
    onSettled: refreshCatalog,
  });

  const error = templates.error ?? itemsQuery.error;
  if (error) return <Alert color="red">{plainWords(error)}</Alert>;
  if (!templates.data || !itemsQuery.data) return <Loader aria-label={t("template.loading")} />;
  const shown = templates.data.filter((tp) => showRetired || tp.active);
  const retired = templates.data.filter((tp) => !tp.active).length;
  const locationName = (id: string) => me.locations.find((l) => l.id === id)?.name ?? t("anotherLocation");
  const nothingToSell = items.every((i) => !i.active);

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t("template.intro")}
      </Text>
      <Group justify="space-between" wrap="wrap">
        <Button onClick={() => setEditing("new")} disabled={nothingToSell}>
          {t("template.new")}
        </Button>
        <Switch
          label={t("template.showRetired", { count: retired })}
          checked={showRetired}
          onChange={(e) => setShowRetired(e.currentTarget.checked)}
        />
      </Group>
      {nothingToSell && <Text c="dimmed">{t("template.itemsFirst")}</Text>}
      {shown.length === 0 && <Text c="dimmed">{t("template.none")}</Text>}
      {shown.map((tp) => (
        <Paper key={tp.id} withBorder p="sm" data-testid="template-card">
          <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
            <Stack gap={2} miw={0} flex="1 1 240px">
              <Group gap="xs">
                <Text fw={600}>{tp.name}</Text>
                <Badge variant="light" size="sm" color={tp.kind === "course" ? "violet" : "teal"}>
                  {tp.kind === "course" ? t("template.course") : t("template.package")}
                </Badge>
                {!tp.active && (
                  <Badge color="gray" size="sm">
                    {t("template.retiredBadge")}
                  </Badge>
                )}
                {tp.onlineBookable && (
                  <Badge variant="outline" size="sm">
                    {t("template.onlineBadge")}
                  </Badge>
                )}
              </Group>
              <Text size="sm">
                {tp.items
                  .map((i) =>
                    i.quantity > UNLIMITED_ABOVE
                      ? t("template.unlimitedItem", { item: i.itemName })
                      : `${i.quantity} × ${i.itemName}`,
                  )
                  .join(", ")}
              </Text>
              <Text size="sm" c="dimmed">
                {[
                  Object.entries(tp.prices)
                    .map(([c, p]) => money(p, c))
                    .join(" · ") || t("noPrice"),
                  validityText(t, tp.validity),
                  tp.locationIds.length
                    ? t("template.atLocations", { locations: tp.locationIds.map(locationName).join(", ") })
                    : null,
                  tp.soldCount ? t("template.sold", { count: tp.soldCount }) : null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </Text>
            </Stack>
            {tp.active && (
              <Group gap="xs">
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => setEditing(tp)}
                  aria-label={t("editName", { name: tp.name })}
                >
                  {t("common:actions.edit")}
                </Button>
                <Button
                  size="xs"
                  variant="subtle"
                  color="gray"
                  onClick={() => setRetiring(tp)}
                  aria-label={t("template.retireName", { name: tp.name })}
                >
                  {t("template.retire")}
                </Button>
              </Group>
            )}
          </Group>
        </Paper>
      ))}
      {editing && (
        <TemplateForm
          {...(editing === "new" ? {} : { template: editing })}
          items={items}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void refreshCatalog();
          }}
        />
      )}
      {retiring && (
        <Modal
          opened
          onClose={() => setRetiring(null)}
          title={t("template.retireTitle", { name: retiring.name })}
        >
          <Stack>
            <Text>{t("template.retireText")}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRetiring(null)}>
                {t("template.keepSelling")}
              </Button>
              <Button color="red" loading={retire.isPending} onClick={() => retire.mutate(retiring)}>
                {t("template.retire")}
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Stack>
  );
}
