// The business's locations (O3): the owner adds and edits them (name, time zone, currency, address,
// opening hours); managers read them. The server refuses a currency change once the location has
// sales, and a time zone change while bookings are ahead, and says why next to the field.
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { browserZone, currencies, guessCurrency, timeZones } from "../onboarding/zones.js";
import { OpeningHoursEditor } from "../staff/OpeningHoursEditor.js";
import type { Location } from "../types.js";
import { showRefusal } from "./catalog-form.js";

interface Values {
  name: string;
  timeZone: string;
  currency: string;
  address: string;
}

export function LocationsTab() {
  const { can, refresh } = useSession();
  const owner = can("manage_settings");
  const [locations, setLocations] = useState<Location[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Location | "new" | null>(null);
  const [hoursOf, setHoursOf] = useState<Location | null>(null);

  const load = useCallback(() => {
    api.get<Location[]>("/api/v1/locations").then(
      (rows) => {
        setLocations(rows);
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, []);
  useEffect(load, [load]);

  if (error) return <Alert color="red">{error}</Alert>;
  if (!locations) return <Loader aria-label="Loading locations" />;
  return (
    <Stack>
      {owner ? (
        <Button w="fit-content" onClick={() => setEditing("new")}>
          Add location
        </Button>
      ) : (
        <Text size="sm" c="dimmed">
          Only the owner can add or change locations.
        </Text>
      )}
      {locations.map((l) => (
        <Paper key={l.id} withBorder p="sm" data-testid="location-card">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Stack gap={2} miw={0} flex="1 1 240px">
              <Group gap="xs">
                <Text fw={600}>{l.name}</Text>
                <Badge variant="light" size="sm">
                  {l.currency}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed">
                {l.timeZone}
              </Text>
              <Text size="sm" data-testid="location-address">
                {l.address || (
                  <Text span c="dimmed">
                    No address yet
                  </Text>
                )}
              </Text>
            </Stack>
            {owner ? (
              <Button size="xs" variant="light" onClick={() => setEditing(l)} aria-label={`Edit ${l.name}`}>
                Edit
              </Button>
            ) : (
              <Button
                size="xs"
                variant="light"
                onClick={() => setHoursOf(l)}
                aria-label={`Opening hours of ${l.name}`}
              >
                Opening hours
              </Button>
            )}
          </Group>
        </Paper>
      ))}
      {hoursOf && (
        <Modal opened onClose={() => setHoursOf(null)} title={hoursOf.name} size="lg">
          <OpeningHoursEditor locationId={hoursOf.id} />
        </Modal>
      )}
      {editing && (
        <LocationForm
          {...(editing === "new" ? {} : { location: editing })}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            load();
            // The header's location picker and the session's currencies come from /auth/me.
            void refresh();
          }}
        />
      )}
    </Stack>
  );
}

function LocationForm({
  location,
  onClose,
  onSaved,
}: {
  location?: Location;
  onClose: () => void;
  onSaved: () => void;
}) {
  const mobile = useMediaQuery("(max-width: 36em)");
  const zones = useMemo(() => timeZones(), []);
  const currencyChoices = useMemo(() => currencies(), []);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<Values>({
    initialValues: {
      name: location?.name ?? "",
      timeZone: location?.timeZone ?? browserZone(),
      currency: location?.currency ?? guessCurrency(),
      address: location?.address ?? "",
    },
    validate: {
      name: (v) => (v.trim() ? null : "Give the location a name."),
      timeZone: (v) => (zones.includes(v) ? null : "Choose a time zone from the list."),
      currency: (v) => (/^[A-Z]{3}$/.test(v) ? null : "Choose a currency from the list."),
      address: (v) => (v.length > 500 ? "At most 500 characters." : null),
    },
  });

  async function save(v: Values) {
    setBusy(true);
    setRefusal(null);
    const body = {
      name: v.name.trim(),
      timeZone: v.timeZone,
      currency: v.currency,
      address: v.address.trim() || null,
    };
    try {
      if (location) await api.patch(`/api/v1/locations/${location.id}`, body);
      else await api.post("/api/v1/locations", body);
      notifications.show({ color: "green", message: `${body.name} saved.` });
      onSaved();
    } catch (e) {
      setRefusal(showRefusal(form, e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened
      onClose={onClose}
      title={location ? `Edit ${location.name}` : "New location"}
      fullScreen={mobile}
      size="lg"
    >
      <Stack>
        <form onSubmit={form.onSubmit(save)} noValidate>
          <Stack>
            {refusal && <Alert color="red">{refusal}</Alert>}
            <TextInput label="Name" required maxLength={200} {...form.getInputProps("name")} />
            <TextInput
              label="Address"
              placeholder="Street, town, postcode"
              maxLength={500}
              {...form.getInputProps("address")}
            />
            <Select
              label="Time zone"
              description="Opening hours, bookings and package expiry follow it."
              searchable
              allowDeselect={false}
              data={zones}
              limit={50}
              {...form.getInputProps("timeZone")}
            />
            <Select
              label="Currency"
              description="Prices and sales at this location are in it. It cannot change once something was sold."
              searchable
              allowDeselect={false}
              data={currencyChoices}
              limit={50}
              {...form.getInputProps("currency")}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Save location
              </Button>
            </Group>
          </Stack>
        </form>
        {location && <OpeningHoursEditor locationId={location.id} />}
      </Stack>
    </Modal>
  );
}
