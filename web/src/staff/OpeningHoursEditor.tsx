// O2: a location's opening hours, as a weekly editor. Online booking offers times only inside them
// (and inside each staff member's working hours). The owner edits them; others read them. Mounted
// in the Catalog's Locations tab (web/src/catalog/LocationsTab.tsx).
import { Alert, Button, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { Hours, OpeningHours } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { WeeklyHoursEditor } from "./WeeklyHoursEditor.js";

export function OpeningHoursEditor({ locationId }: { locationId: string }) {
  const { t } = useTranslation("staff");
  const { can, me } = useSession();
  const queryClient = useQueryClient();
  const owner = can("manage_settings");
  const name = me?.locations.find((l) => l.id === locationId)?.name ?? t("openingHours.thisLocation");
  const key = ["catalog", "opening-hours", locationId];
  const { data: week, error } = useQuery({
    queryKey: key,
    queryFn: () => api.get<OpeningHours>(`/api/v1/locations/${locationId}/opening-hours`),
  });

  async function save(hours: Hours[]) {
    const saved = await api.put<OpeningHours>(`/api/v1/locations/${locationId}/opening-hours`, { hours });
    queryClient.setQueryData(key, saved);
    notifications.show({ color: "green", message: t("openingHours.saved", { name }) });
  }

  if (error) return <Alert color="red">{plainWords(error)}</Alert>;
  if (!week) return <Loader size="sm" aria-label={t("openingHours.loading")} />;
  return (
    <Stack gap="xs" data-testid="opening-hours">
      <Group justify="space-between" wrap="wrap">
        <Title order={4}>{t("openingHours.title")}</Title>
        {owner && week.set && (
          <Button
            size="compact-sm"
            variant="subtle"
            onClick={() =>
              save([]).catch((e) => notifications.show({ color: "red", message: plainWords(e) }))
            }
          >
            {t("openingHours.clear")}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {week.set ? t("openingHours.set") : t("openingHours.notSet")}
      </Text>
      <WeeklyHoursEditor
        label={t("openingHours.label", { name })}
        hours={week.hours}
        canEdit={owner}
        emptyDay={t("openingHours.closed")}
        emptyWeek={t("openingHours.default")}
        onSave={save}
        saveLabel={t("openingHours.save")}
      />
      {!owner && (
        <Text size="xs" c="dimmed">
          {t("openingHours.onlyOwner")}
        </Text>
      )}
    </Stack>
  );
}
