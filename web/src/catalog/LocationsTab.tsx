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
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Location } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { LocaleSelect } from "../languages/LanguagePickers.js";
import { browserZone, currencies, guessCurrency, timeZones } from "../onboarding/zones.js";
import { OpeningHoursEditor } from "../staff/OpeningHoursEditor.js";
import { showRefusal } from "./catalog-form.js";
import { useLocations } from "./queries.js";

interface Values {
  name: string;
  timeZone: string;
  currency: string;
  address: string;
  /** U1: "" takes it from the time zone */
  locale: string;
}

export function LocationsTab() {
  const { t } = useTranslation("catalog");
  const { can, refresh } = useSession();
  const queryClient = useQueryClient();
  const owner = can("manage_settings");
  const { data: locations, error } = useLocations();
  const [editing, setEditing] = useState<Location | "new" | null>(null);
  const [hoursOf, setHoursOf] = useState<Location | null>(null);

  if (error) return <Alert color="red">{plainWords(error)}</Alert>;
  if (!locations) return <Loader aria-label={t("location.loading")} />;
  return (
    <Stack>
      {owner ? (
        <Button w="fit-content" onClick={() => setEditing("new")}>
          {t("location.add")}
        </Button>
      ) : (
        <Text size="sm" c="dimmed">
          {t("location.onlyOwner")}
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
                    {t("location.noAddress")}
                  </Text>
                )}
              </Text>
            </Stack>
            {owner ? (
              <Button
                size="xs"
                variant="light"
                onClick={() => setEditing(l)}
                aria-label={t("editName", { name: l.name })}
              >
                {t("common:actions.edit")}
              </Button>
            ) : (
              <Button
                size="xs"
                variant="light"
                onClick={() => setHoursOf(l)}
                aria-label={t("location.openingHoursOf", { name: l.name })}
              >
                {t("location.openingHours")}
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
            void queryClient.invalidateQueries({ queryKey: ["catalog", "locations"] });
            // The header's location picker and the session's currencies come from the session.
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
  const { t, i18n } = useTranslation("catalog");
  const mobile = useMediaQuery("(max-width: 36em)");
  const zones = useMemo(() => timeZones(), []);
  const currencyChoices = useMemo(() => currencies(i18n.language), [i18n.language]);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<Values>({
    initialValues: {
      name: location?.name ?? "",
      timeZone: location?.timeZone ?? browserZone(),
      currency: location?.currency ?? guessCurrency(),
      address: location?.address ?? "",
      locale: location?.locale ?? "",
    },
    validate: {
      name: (v) => (v.trim() ? null : t("location.nameRequired")),
      timeZone: (v) => (zones.includes(v) ? null : t("location.zoneFromList")),
      currency: (v) => (/^[A-Z]{3}$/.test(v) ? null : t("location.currencyFromList")),
      address: (v) => (v.length > 500 ? t("location.addressTooLong") : null),
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
      ...(v.locale ? { locale: v.locale } : {}),
    };
    try {
      if (location) await api.patch(`/api/v1/locations/${location.id}`, body);
      else await api.post("/api/v1/locations", body);
      notifications.show({ color: "green", message: t("saved", { name: body.name }) });
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
      title={location ? t("editName", { name: location.name }) : t("location.new")}
      fullScreen={mobile}
      size="lg"
    >
      <Stack>
        <form onSubmit={form.onSubmit(save)} noValidate>
          <Stack>
            {refusal && <Alert color="red">{refusal}</Alert>}
            <TextInput label={t("name")} required maxLength={200} {...form.getInputProps("name")} />
            <TextInput
              label={t("location.address")}
              placeholder={t("location.addressPlaceholder")}
              maxLength={500}
              {...form.getInputProps("address")}
            />
            <Select
              label={t("location.timeZone")}
              description={t("location.timeZoneHint")}
              searchable
              allowDeselect={false}
              data={zones}
              limit={50}
              {...form.getInputProps("timeZone")}
            />
            <Select
              label={t("location.currency")}
              description={t("location.currencyHint")}
              searchable
              allowDeselect={false}
              data={currencyChoices}
              limit={50}
              {...form.getInputProps("currency")}
            />
            {/* U1: how dates and clocks read there */}
            <LocaleSelect
              value={form.values.locale}
              onChange={(v) => form.setFieldValue("locale", v)}
              error={form.errors.locale}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t("common:actions.cancel")}
              </Button>
              <Button type="submit" loading={busy}>
                {t("location.save")}
              </Button>
            </Group>
          </Stack>
        </form>
        {location && <OpeningHoursEditor locationId={location.id} />}
      </Stack>
    </Modal>
  );
}
