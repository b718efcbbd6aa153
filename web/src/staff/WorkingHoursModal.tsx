// O2: a staff member's working hours, one week per location. Online booking offers the member only
// inside them (and inside the location's opening hours); a member with no hours at any location is
// offered whenever the location is open. Managers and the owner edit them.
import { Alert, Loader, Modal, SegmentedControl, Select, Stack, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Hours, Member, WorkingHours } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { WeeklyHoursEditor } from "./WeeklyHoursEditor.js";

export function WorkingHoursModal({ member, onClose }: { member: Member; onClose: () => void }) {
  const me = useMe();
  const { t } = useTranslation("staff");
  const { can } = useSession();
  const queryClient = useQueryClient();
  const mobile = useMediaQuery("(max-width: 36em)");
  const key = ["staff", member.id, "working-hours"];
  const { data: week, error } = useQuery({
    queryKey: key,
    queryFn: () => api.get<WorkingHours>(`/api/v1/staff/${member.id}/working-hours`),
  });
  const [locationId, setLocationId] = useState<string>(
    me.locations.some((l) => l.id === member.homeLocationId)
      ? member.homeLocationId
      : (me.locations[0]?.id ?? ""),
  );

  const location = me.locations.find((l) => l.id === locationId);
  const hours = week?.locations.find((l) => l.locationId === locationId)?.hours;

  async function save(next: Hours[]) {
    const saved = await api.put<WorkingHours>(`/api/v1/staff/${member.id}/working-hours/${locationId}`, {
      hours: next,
    });
    queryClient.setQueryData(key, saved);
    notifications.show({
      color: "green",
      message: t("workingHoursModal.saved", { name: member.name, location: location?.name }),
    });
  }

  const choices = me.locations.map((l) => ({ value: l.id, label: l.name }));
  return (
    <Modal
      opened
      onClose={onClose}
      title={t("workingHoursModal.title", { name: member.name })}
      size="lg"
      fullScreen={mobile}
    >
      <Stack>
        {error && <Alert color="red">{plainWords(error)}</Alert>}
        {choices.length > 1 &&
          (choices.length <= 3 && !mobile ? (
            <SegmentedControl
              data={choices}
              value={locationId}
              onChange={setLocationId}
              aria-label={t("workingHoursModal.location")}
            />
          ) : (
            <Select
              label={t("workingHoursModal.location")}
              data={choices}
              value={locationId}
              onChange={(v) => v && setLocationId(v)}
              allowDeselect={false}
            />
          ))}
        {week && (
          <Text size="sm" c="dimmed" data-testid="working-hours-note">
            {week.scheduled
              ? t("workingHoursModal.scheduled", { name: member.name, location: location?.name })
              : t("workingHoursModal.unscheduled", { name: member.name })}
          </Text>
        )}
        {!week && !error && <Loader size="sm" aria-label={t("workingHoursModal.loading")} />}
        {week && hours && location && (
          <WeeklyHoursEditor
            key={locationId}
            label={t("workingHoursModal.label", { name: member.name, location: location.name })}
            hours={hours}
            canEdit={can("manage_working_hours")}
            emptyDay={t("workingHoursModal.notWorking")}
            emptyWeek={
              week.scheduled ? t("workingHoursModal.notWorkingHere") : t("workingHoursModal.whenOpen")
            }
            onSave={save}
            saveLabel={t("workingHoursModal.save")}
          />
        )}
      </Stack>
    </Modal>
  );
}
