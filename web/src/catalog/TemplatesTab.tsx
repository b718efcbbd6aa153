// The packages and courses the business sells (P2, O3): create, edit, retire. Retiring stops new
// sales; packages already sold keep working as they were sold.
import { Alert, Badge, Button, Group, Loader, Modal, Paper, Stack, Switch, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { api, plainWords, query } from "../api.js";
import { useMe } from "../auth/session.js";
import { localDate, money } from "../format.js";
import type { Item, Template } from "../types.js";
import { TemplateForm, VALIDITY_WORDS, type ValidityKind } from "./TemplateForm.js";

export function validityText(v: Template["validity"]): string {
  switch (v.kind) {
    case "days":
      return `valid ${v.count} day${v.count === 1 ? "" : "s"}`;
    case "months":
      return `valid ${v.count} month${v.count === 1 ? "" : "s"}`;
    case "fixed_date":
      return v.date ? `valid until ${localDate(v.date)}` : "valid until a date";
    default:
      return VALIDITY_WORDS[v.kind as ValidityKind]?.toLowerCase() ?? v.kind;
  }
}

export function TemplatesTab() {
  const me = useMe();
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [items, setItems] = useState<Item[]>([]);
  const [showRetired, setShowRetired] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Template | "new" | null>(null);
  const [retiring, setRetiring] = useState<Template | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    Promise.all([
      api.get<Template[]>(`/api/v1/templates${query({ includeRetired: "true" })}`),
      api.get<Item[]>(`/api/v1/items${query({ includeArchived: "true" })}`),
    ]).then(
      ([t, i]) => {
        setTemplates(t);
        setItems(i);
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, []);
  useEffect(load, [load]);

  async function retire(t: Template) {
    setBusy(true);
    try {
      await api.post(`/api/v1/templates/${t.id}/retire`);
      notifications.show({ message: `${t.name} is no longer sold. Packages already sold keep working.` });
      setRetiring(null);
      load();
    } catch (e) {
      notifications.show({ color: "red", message: plainWords(e) });
    } finally {
      setBusy(false);
    }
  }

  if (error) return <Alert color="red">{error}</Alert>;
  if (!templates) return <Loader aria-label="Loading packages" />;
  const shown = templates.filter((t) => showRetired || t.active);
  const retired = templates.filter((t) => !t.active).length;
  const locationName = (id: string) => me.locations.find((l) => l.id === id)?.name ?? "another location";

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        What customers buy in advance. A course is a number of one service (5x Manicure); a package collects
        several items, each with its credits.
      </Text>
      <Group justify="space-between" wrap="wrap">
        <Button onClick={() => setEditing("new")} disabled={items.every((i) => !i.active)}>
          New package or course
        </Button>
        <Switch
          label={`Show retired (${retired})`}
          checked={showRetired}
          onChange={(e) => setShowRetired(e.currentTarget.checked)}
        />
      </Group>
      {items.every((i) => !i.active) && (
        <Text c="dimmed">Add services or products first: a package is made of them.</Text>
      )}
      {shown.length === 0 && (
        <Text c="dimmed">No packages yet. Create one, such as 5 manicures for the price of 4.</Text>
      )}
      {shown.map((t) => (
        <Paper key={t.id} withBorder p="sm" data-testid="template-card">
          <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
            <Stack gap={2} miw={0} flex="1 1 240px">
              <Group gap="xs">
                <Text fw={600}>{t.name}</Text>
                <Badge variant="light" size="sm" color={t.kind === "course" ? "violet" : "teal"}>
                  {t.kind === "course" ? "Course" : "Package"}
                </Badge>
                {!t.active && (
                  <Badge color="gray" size="sm">
                    Retired
                  </Badge>
                )}
                {t.onlineBookable && (
                  <Badge variant="outline" size="sm">
                    Online
                  </Badge>
                )}
              </Group>
              <Text size="sm">{t.items.map((i) => `${i.quantity} × ${i.itemName}`).join(", ")}</Text>
              <Text size="sm" c="dimmed">
                {[
                  Object.entries(t.prices)
                    .map(([c, p]) => money(p, c))
                    .join(" · ") || "no price",
                  validityText(t.validity),
                  t.locationIds.length ? `at ${t.locationIds.map(locationName).join(", ")}` : null,
                  t.soldCount ? `${t.soldCount} sold` : null,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </Text>
            </Stack>
            {t.active && (
              <Group gap="xs">
                <Button size="xs" variant="light" onClick={() => setEditing(t)} aria-label={`Edit ${t.name}`}>
                  Edit
                </Button>
                <Button
                  size="xs"
                  variant="subtle"
                  color="gray"
                  onClick={() => setRetiring(t)}
                  aria-label={`Retire ${t.name}`}
                >
                  Retire
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
            load();
          }}
        />
      )}
      {retiring && (
        <Modal opened onClose={() => setRetiring(null)} title={`Retire ${retiring.name}?`}>
          <Stack>
            <Text>
              It will no longer be offered for sale. Customers who bought it keep their packages and can use
              them until they expire.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRetiring(null)}>
                Keep selling
              </Button>
              <Button color="red" loading={busy} onClick={() => retire(retiring)}>
                Retire
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Stack>
  );
}
