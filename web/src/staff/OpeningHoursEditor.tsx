// O2: a location's opening hours, as a weekly editor. Online booking offers times only inside them
// (and inside each staff member's working hours). The owner edits them; others read them. Mounted
// in the Catalog's Locations tab (web/src/catalog/LocationsTab.tsx).
import { Alert, Button, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import type { Hours, OpeningHours } from "./types.js";
import { WeeklyHoursEditor } from "./WeeklyHoursEditor.js";

export function OpeningHoursEditor({ locationId }: { locationId: string }) {
  const { can, me } = useSession();
  const owner = can("manage_settings");
  const name = me?.locations.find((l) => l.id === locationId)?.name ?? "this location";
  const [week, setWeek] = useState<OpeningHours | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.get<OpeningHours>(`/api/v1/locations/${locationId}/opening-hours`).then(
      (w) => {
        setWeek(w);
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, [locationId]);
  useEffect(load, [load]);

  async function save(hours: Hours[]) {
    const saved = await api.put<OpeningHours>(`/api/v1/locations/${locationId}/opening-hours`, { hours });
    setWeek(saved);
    notifications.show({ color: "green", message: `Opening hours of ${name} saved.` });
  }

  if (error) return <Alert color="red">{error}</Alert>;
  if (!week) return <Loader size="sm" aria-label="Loading opening hours" />;
  return (
    <Stack gap="xs" data-testid="opening-hours">
      <Group justify="space-between" wrap="wrap">
        <Title order={4}>Opening hours</Title>
        {owner && week.set && (
          <Button
            size="compact-sm"
            variant="subtle"
            onClick={() =>
              save([]).catch((e) => notifications.show({ color: "red", message: plainWords(e) }))
            }
          >
            Clear (back to 09:00–18:00)
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {week.set
          ? "Online booking offers times only inside these hours. A day without hours is closed."
          : "No opening hours yet: online booking offers 09:00–18:00 every day. Set them to change that."}
      </Text>
      <WeeklyHoursEditor
        label={`Opening hours of ${name}`}
        hours={week.hours}
        canEdit={owner}
        emptyDay="Closed"
        emptyWeek="09:00–18:00 (default)"
        onSave={save}
        saveLabel="Save opening hours"
      />
      {!owner && (
        <Text size="xs" c="dimmed">
          Only the owner changes opening hours.
        </Text>
      )}
    </Stack>
  );
}
