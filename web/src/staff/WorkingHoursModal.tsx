// O2: a staff member's working hours, one week per location. Online booking offers the member only
// inside them (and inside the location's opening hours); a member with no hours at any location is
// offered whenever the location is open. Managers and the owner edit them.
import { Alert, Loader, Modal, SegmentedControl, Select, Stack, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import type { Hours, Member, WorkingHours } from "./types.js";
import { WeeklyHoursEditor } from "./WeeklyHoursEditor.js";

export function WorkingHoursModal({ member, onClose }: { member: Member; onClose: () => void }) {
  const me = useMe();
  const { can } = useSession();
  const mobile = useMediaQuery("(max-width: 36em)");
  const [week, setWeek] = useState<WorkingHours | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [locationId, setLocationId] = useState<string>(
    me.locations.some((l) => l.id === member.homeLocationId)
      ? member.homeLocationId
      : (me.locations[0]?.id ?? ""),
  );

  const load = useCallback(() => {
    api
      .get<WorkingHours>(`/api/v1/staff/${member.id}/working-hours`)
      .then(setWeek, (e) => setError(plainWords(e)));
  }, [member.id]);
  useEffect(load, [load]);

  const location = me.locations.find((l) => l.id === locationId);
  const hours = week?.locations.find((l) => l.locationId === locationId)?.hours;

  async function save(next: Hours[]) {
    const saved = await api.put<WorkingHours>(`/api/v1/staff/${member.id}/working-hours/${locationId}`, {
      hours: next,
    });
    setWeek(saved);
    notifications.show({
      color: "green",
      message: `Working hours of ${member.name} at ${location?.name} saved.`,
    });
  }

  const choices = me.locations.map((l) => ({ value: l.id, label: l.name }));
  return (
    <Modal opened onClose={onClose} title={`Working hours: ${member.name}`} size="lg" fullScreen={mobile}>
      <Stack>
        {error && <Alert color="red">{error}</Alert>}
        {choices.length > 1 &&
          (choices.length <= 3 && !mobile ? (
            <SegmentedControl
              data={choices}
              value={locationId}
              onChange={setLocationId}
              aria-label="Location"
            />
          ) : (
            <Select
              label="Location"
              data={choices}
              value={locationId}
              onChange={(v) => v && setLocationId(v)}
              allowDeselect={false}
            />
          ))}
        {week && (
          <Text size="sm" c="dimmed" data-testid="working-hours-note">
            {week.scheduled
              ? `Online booking offers ${member.name} only inside these hours, within ${location?.name}'s opening hours. A day without hours is a day off here.`
              : `No working hours yet: online booking offers ${member.name} whenever a location is open. Once you set hours anywhere, only those times are offered.`}
          </Text>
        )}
        {!week && !error && <Loader size="sm" aria-label="Loading working hours" />}
        {week && hours && location && (
          <WeeklyHoursEditor
            key={locationId}
            label={`Working hours of ${member.name} at ${location.name}`}
            hours={hours}
            canEdit={can("manage_working_hours")}
            emptyDay="Not working"
            emptyWeek={week.scheduled ? "Not working here" : "Whenever the location is open"}
            onSave={save}
            saveLabel="Save working hours"
          />
        )}
      </Stack>
    </Modal>
  );
}
