// The services, products or class types of the business: add, edit, archive and restore (O3).
// Archived items leave the till, the calendar and new packages; packages already sold keep them.
import { Alert, Badge, Button, Group, Loader, Paper, Stack, Switch, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Item } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { money } from "../format.js";
import { ItemForm, type ItemKind } from "./ItemForm.js";
import { categoriesOf, useItems } from "./queries.js";

export function ItemsTab({ kind }: { kind: ItemKind }) {
  const { t, i18n } = useTranslation("catalog");
  const queryClient = useQueryClient();
  const all = useItems();
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<Item | "new" | null>(null);
  const refreshCatalog = () => queryClient.invalidateQueries({ queryKey: ["catalog"] });

  const setActive = useMutation({
    mutationFn: ({ item, active }: { item: Item; active: boolean }) =>
      api.patch(`/api/v1/items/${item.id}`, { active }),
    onSuccess: (_, { item, active }) =>
      notifications.show({
        message: active ? t("item.restored", { name: item.name }) : t("item.archived", { name: item.name }),
      }),
    onError: (e) => notifications.show({ color: "red", message: plainWords(e) }),
    onSettled: refreshCatalog,
  });

  if (all.error) return <Alert color="red">{plainWords(all.error)}</Alert>;
  if (!all.data) return <Loader aria-label={t("item.loading", { context: kind })} />;
  const items = all.data.filter((i) => i.kind === kind);
  const shown = items.filter((i) => showArchived || i.active);
  const archived = items.length - items.filter((i) => i.active).length;

  const details = (item: Item) =>
    [
      Object.entries(item.prices)
        .map(([c, p]) => money(p, c))
        .join(" · ") || t("noPrice"),
      item.durationMinutes ? t("item.minutes", { count: item.durationMinutes }) : null,
      kind === "product" ? (item.sellToClients ? t("item.soldToClients") : t("item.notSoldToClients")) : null,
      kind === "product" ? (item.commissionEligible ? t("item.commission") : t("item.noCommission")) : null,
    ]
      .filter(Boolean)
      .join(" · ");

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Button onClick={() => setEditing("new")}>{t("item.add", { context: kind })}</Button>
        <Switch
          label={t("item.showArchived", { count: archived })}
          checked={showArchived}
          onChange={(e) => setShowArchived(e.currentTarget.checked)}
        />
      </Group>
      {shown.length === 0 && <Text c="dimmed">{t("item.none", { context: kind })}</Text>}
      {shown.map((item) => (
        <Paper key={item.id} withBorder p="sm" data-testid="catalog-item">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={2} miw={0}>
              <Group gap="xs">
                <Text fw={600}>{item.name}</Text>
                {item.category && (
                  <Badge variant="light" size="sm">
                    {item.category}
                  </Badge>
                )}
                {!item.active && (
                  <Badge color="gray" size="sm">
                    {t("item.archivedBadge")}
                  </Badge>
                )}
              </Group>
              <Text size="sm" c="dimmed">
                {details(item)}
              </Text>
            </Stack>
            <Group gap="xs">
              <Button
                size="xs"
                variant="light"
                onClick={() => setEditing(item)}
                aria-label={t("editName", { name: item.name })}
              >
                {t("common:actions.edit")}
              </Button>
              {item.active ? (
                <Button
                  size="xs"
                  variant="subtle"
                  color="gray"
                  onClick={() => setActive.mutate({ item, active: false })}
                  aria-label={t("item.archiveName", { name: item.name })}
                >
                  {t("item.archive")}
                </Button>
              ) : (
                <Button
                  size="xs"
                  variant="subtle"
                  onClick={() => setActive.mutate({ item, active: true })}
                  aria-label={t("item.restoreName", { name: item.name })}
                >
                  {t("item.restore")}
                </Button>
              )}
            </Group>
          </Group>
        </Paper>
      ))}
      {editing && (
        <ItemForm
          kind={kind}
          {...(editing === "new" ? {} : { item: editing })}
          categories={categoriesOf(all.data, i18n.language)}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void refreshCatalog();
          }}
        />
      )}
    </Stack>
  );
}
