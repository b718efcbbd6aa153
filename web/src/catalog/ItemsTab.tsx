// The services, products or class types of the business: add, edit, archive and restore (O3).
// Archived items leave the till, the calendar and new packages; packages already sold keep them.
import { Alert, Badge, Button, Group, Loader, Paper, Stack, Switch, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { api, plainWords, query } from "../api.js";
import { money } from "../format.js";
import type { Item } from "../types.js";
import { ItemForm, type ItemKind, KIND_WORDS } from "./ItemForm.js";

export function ItemsTab({ kind }: { kind: ItemKind }) {
  const [items, setItems] = useState<Item[] | null>(null);
  const [categories, setCategories] = useState<string[]>([]);
  const [showArchived, setShowArchived] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Item | "new" | null>(null);
  const words = KIND_WORDS[kind];

  const load = useCallback(() => {
    // Every item, archived too: the categories in use come from all of them.
    api.get<Item[]>(`/api/v1/items${query({ includeArchived: "true" })}`).then(
      (rows) => {
        setItems(rows.filter((i) => i.kind === kind));
        setCategories(
          [...new Set(rows.flatMap((i) => (i.category ? [i.category] : [])))].sort((a, b) =>
            a.localeCompare(b),
          ),
        );
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, [kind]);
  useEffect(load, [load]);

  async function setActive(item: Item, active: boolean) {
    try {
      await api.patch(`/api/v1/items/${item.id}`, { active });
      notifications.show({
        message: active ? `${item.name} is back in the catalog.` : `${item.name} archived.`,
      });
      load();
    } catch (e) {
      notifications.show({ color: "red", message: plainWords(e) });
    }
  }

  if (error) return <Alert color="red">{error}</Alert>;
  if (!items) return <Loader aria-label={`Loading ${words.many.toLowerCase()}`} />;
  const shown = items.filter((i) => showArchived || i.active);
  const archived = items.length - items.filter((i) => i.active).length;

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Button onClick={() => setEditing("new")}>Add {words.one}</Button>
        <Switch
          label={`Show archived (${archived})`}
          checked={showArchived}
          onChange={(e) => setShowArchived(e.currentTarget.checked)}
        />
      </Group>
      {shown.length === 0 && (
        <Text c="dimmed">
          No {words.many.toLowerCase()} yet. Add the first one to sell it and put it in packages.
        </Text>
      )}
      {shown.map((item) => (
        <Paper key={item.id} withBorder p="sm" data-testid="catalog-item">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={2}>
              <Group gap="xs">
                <Text fw={600}>{item.name}</Text>
                {item.category && (
                  <Badge variant="light" size="sm">
                    {item.category}
                  </Badge>
                )}
                {!item.active && (
                  <Badge color="gray" size="sm">
                    Archived
                  </Badge>
                )}
              </Group>
              <Text size="sm" c="dimmed">
                {[
                  Object.entries(item.prices)
                    .map(([c, p]) => money(p, c))
                    .join(" · ") || "no price",
                  item.durationMinutes ? `${item.durationMinutes} min` : null,
                  kind === "product"
                    ? item.sellToClients
                      ? "sold to clients"
                      : "not sold to clients"
                    : null,
                  kind === "product" ? (item.commissionEligible ? "commission" : "no commission") : null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </Text>
            </Stack>
            <Group gap="xs">
              <Button
                size="xs"
                variant="light"
                onClick={() => setEditing(item)}
                aria-label={`Edit ${item.name}`}
              >
                Edit
              </Button>
              {item.active ? (
                <Button
                  size="xs"
                  variant="subtle"
                  color="gray"
                  onClick={() => setActive(item, false)}
                  aria-label={`Archive ${item.name}`}
                >
                  Archive
                </Button>
              ) : (
                <Button
                  size="xs"
                  variant="subtle"
                  onClick={() => setActive(item, true)}
                  aria-label={`Restore ${item.name}`}
                >
                  Restore
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
          categories={categories}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            load();
          }}
        />
      )}
    </Stack>
  );
}
