// O4: commission rates, a percentage per staff member, optionally per item category. A line takes
// the rate of its category, else the staff member's general rate, when the ticket closes, and keeps
// it: changing a rate never changes what was owed on tickets already closed. The owner sets them;
// managers read them.
import {
  ActionIcon,
  Alert,
  Autocomplete,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useCallback, useEffect, useState } from "react";
import { api, plainWords, query } from "../api.js";
import { useSession } from "../auth/session.js";
import { ROLE_LABEL } from "../format.js";
import type { Item } from "../types.js";
import { parsePercent, percentText, showRefusal } from "./catalog-form.js";

interface Rate {
  id: string;
  staffId: string;
  staffName: string;
  category: string | null;
  rateBp: number;
  updatedAt: string;
}
interface StaffMember {
  id: string;
  name: string;
  role: string;
  active: boolean;
}

interface Values {
  staffId: string | null;
  category: string;
  percent: string;
}

export function CommissionRatesTab() {
  const { can } = useSession();
  const owner = can("manage_commission_rates");
  const [rates, setRates] = useState<Rate[] | null>(null);
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<Values>({
    initialValues: { staffId: null, category: "", percent: "" },
    validate: {
      staffId: (v) => (v ? null : "Choose a staff member."),
      percent: (v) => {
        const read = parsePercent(v);
        return "error" in read ? read.error : null;
      },
    },
  });

  const load = useCallback(() => {
    Promise.all([
      api.get<Rate[]>("/api/v1/commission-rates"),
      api.get<StaffMember[]>("/api/v1/staff"),
      api.get<Item[]>(`/api/v1/items${query({ includeArchived: "true" })}`),
    ]).then(
      ([r, s, i]) => {
        setRates(r);
        setStaff(s);
        setCategories(
          [...new Set(i.flatMap((x) => (x.category ? [x.category] : [])))].sort((a, b) => a.localeCompare(b)),
        );
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, []);
  useEffect(load, [load]);

  async function save(v: Values) {
    const read = parsePercent(v.percent);
    if ("error" in read) return;
    setBusy(true);
    setRefusal(null);
    try {
      const saved = await api.post<Rate>("/api/v1/commission-rates", {
        staffId: v.staffId,
        category: v.category.trim() || null,
        rateBp: read.bp,
      });
      notifications.show({
        color: "green",
        message: `${saved.staffName}: ${percentText(saved.rateBp)} on ${saved.category ?? "everything else"}.`,
      });
      form.setValues({ category: "", percent: "" });
      load();
    } catch (e) {
      setRefusal(showRefusal(form, e, { rateBp: "percent" }));
    } finally {
      setBusy(false);
    }
  }

  async function remove(r: Rate) {
    try {
      await api.del(`/api/v1/commission-rates/${r.id}`);
      notifications.show({ message: `${r.staffName}'s rate on ${r.category ?? "everything else"} removed.` });
      load();
    } catch (e) {
      notifications.show({ color: "red", message: plainWords(e) });
    }
  }

  if (error) return <Alert color="red">{error}</Alert>;
  if (!rates) return <Loader aria-label="Loading commission rates" />;
  const people = staff.filter((s) => s.active || rates.some((r) => r.staffId === s.id));

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Commission is the base of each line (its price, or for a package credit what the package says) times
        the staff member's rate: the rate for the item's category if there is one, else their general rate. A
        ticket keeps the rates it closed with.
      </Text>
      {owner ? (
        <Card withBorder>
          <form onSubmit={form.onSubmit(save)} noValidate>
            <Stack>
              <Title order={5}>Set a rate</Title>
              {refusal && <Alert color="red">{refusal}</Alert>}
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <Select
                  label="Staff member"
                  description="Who earns it"
                  searchable
                  data={staff.filter((s) => s.active).map((s) => ({ value: s.id, label: s.name }))}
                  {...form.getInputProps("staffId")}
                />
                <Autocomplete
                  label="Category"
                  description="Empty: everything without a rate of its own"
                  placeholder="Every category"
                  data={categories}
                  maxLength={100}
                  {...form.getInputProps("category")}
                />
                <TextInput
                  label="Rate (%)"
                  description="For example 10 or 12.5"
                  inputMode="decimal"
                  rightSection="%"
                  {...form.getInputProps("percent")}
                />
              </SimpleGrid>
              <Button type="submit" loading={busy} w="fit-content">
                Save rate
              </Button>
            </Stack>
          </form>
        </Card>
      ) : (
        <Text size="sm" c="dimmed">
          Only the owner can change commission rates.
        </Text>
      )}
      {people.length === 0 && <Text c="dimmed">No staff yet.</Text>}
      {people.map((s) => {
        const own = rates.filter((r) => r.staffId === s.id);
        return (
          <Paper key={s.id} withBorder p="sm" data-testid="commission-staff">
            <Group gap="xs" mb={own.length ? 6 : 0}>
              <Text fw={600}>{s.name}</Text>
              <Badge variant="light" size="sm">
                {ROLE_LABEL[s.role] ?? s.role}
              </Badge>
              {!s.active && (
                <Badge color="gray" size="sm">
                  Inactive
                </Badge>
              )}
            </Group>
            {own.length === 0 ? (
              <Text size="sm" c="dimmed">
                No rate: their lines show the base only.
              </Text>
            ) : (
              <Stack gap={4}>
                {own.map((r) => (
                  <Group
                    key={r.id}
                    justify="space-between"
                    wrap="nowrap"
                    gap="xs"
                    data-testid="commission-rate"
                  >
                    <Text size="sm">
                      {r.category
                        ? `On ${r.category}`
                        : own.some((o) => o.category)
                          ? "On everything else"
                          : "On everything"}
                      : <b>{percentText(r.rateBp)}</b>
                    </Text>
                    {owner && (
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={`Remove ${s.name}'s rate on ${r.category ?? "everything else"}`}
                        onClick={() => remove(r)}
                      >
                        ×
                      </ActionIcon>
                    )}
                  </Group>
                ))}
              </Stack>
            )}
          </Paper>
        );
      })}
    </Stack>
  );
}
