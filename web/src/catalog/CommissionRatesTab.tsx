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
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CommissionRate as Rate } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { roleLabel } from "../format.js";
import { useStaff } from "../staff/queries.js";
import { parsePercent, percentText, showRefusal } from "./catalog-form.js";
import { categoriesOf, useItems } from "./queries.js";

interface Values {
  staffId: string | null;
  category: string;
  percent: string;
}

const RATES = ["catalog", "commission-rates"];

export function CommissionRatesTab() {
  const { t, i18n } = useTranslation("catalog");
  const { can } = useSession();
  const queryClient = useQueryClient();
  const owner = can("manage_commission_rates");
  const rates = useQuery({ queryKey: RATES, queryFn: () => api.get<Rate[]>("/api/v1/commission-rates") });
  const staffQuery = useStaff();
  const items = useItems();
  const form = useForm<Values>({
    initialValues: { staffId: null, category: "", percent: "" },
    validate: {
      staffId: (v) => (v ? null : t("commission.chooseStaff")),
      percent: (v) => {
        const read = parsePercent(v);
        return "error" in read ? read.error : null;
      },
    },
  });
  const [refusal, setRefusal] = useState<string | null>(null);
  const onWhat = (category: string | null) => category ?? t("commission.everythingElse");

  const save = useMutation({
    mutationFn: ({ v, bp }: { v: Values; bp: number }) =>
      api.post<Rate>("/api/v1/commission-rates", {
        staffId: v.staffId,
        category: v.category.trim() || null,
        rateBp: bp,
      }),
    onSuccess: (saved) => {
      notifications.show({
        color: "green",
        message: t("commission.saved", {
          name: saved.staffName,
          rate: percentText(saved.rateBp),
          on: onWhat(saved.category),
        }),
      });
      form.setValues({ category: "", percent: "" });
    },
    onError: (e) => setRefusal(showRefusal(form, e, { rateBp: "percent" })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: RATES }),
  });

  const remove = useMutation({
    mutationFn: (r: Rate) => api.del(`/api/v1/commission-rates/${r.id}`),
    onSuccess: (_, r) =>
      notifications.show({ message: t("commission.removed", { name: r.staffName, on: onWhat(r.category) }) }),
    onError: (e) => notifications.show({ color: "red", message: plainWords(e) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: RATES }),
  });

  const error = rates.error ?? staffQuery.error ?? items.error;
  if (error) return <Alert color="red">{plainWords(error)}</Alert>;
  if (!rates.data || !staffQuery.data) return <Loader aria-label={t("commission.loading")} />;
  const staff = staffQuery.data;
  const people = staff.filter((s) => s.active || rates.data.some((r) => r.staffId === s.id));

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t("commission.intro")}
      </Text>
      {owner ? (
        <Card withBorder>
          <form
            onSubmit={form.onSubmit((v) => {
              const read = parsePercent(v.percent);
              setRefusal(null);
              if (!("error" in read)) save.mutate({ v, bp: read.bp });
            })}
            noValidate
          >
            <Stack>
              <Title order={5}>{t("commission.setRate")}</Title>
              {refusal && <Alert color="red">{refusal}</Alert>}
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <Select
                  label={t("commission.staffMember")}
                  description={t("commission.staffMemberHint")}
                  searchable
                  data={staff.filter((s) => s.active).map((s) => ({ value: s.id, label: s.name }))}
                  {...form.getInputProps("staffId")}
                />
                <Autocomplete
                  label={t("commission.category")}
                  description={t("commission.categoryHint")}
                  placeholder={t("commission.categoryPlaceholder")}
                  data={categoriesOf(items.data, i18n.language)}
                  maxLength={100}
                  {...form.getInputProps("category")}
                />
                <TextInput
                  label={t("commission.rate")}
                  description={t("commission.rateHint")}
                  inputMode="decimal"
                  rightSection="%"
                  {...form.getInputProps("percent")}
                />
              </SimpleGrid>
              <Button type="submit" loading={save.isPending} w="fit-content">
                {t("commission.save")}
              </Button>
            </Stack>
          </form>
        </Card>
      ) : (
        <Text size="sm" c="dimmed">
          {t("commission.onlyOwner")}
        </Text>
      )}
      {people.length === 0 && <Text c="dimmed">{t("commission.noStaff")}</Text>}
      {people.map((s) => {
        const own = rates.data.filter((r) => r.staffId === s.id);
        return (
          <Paper key={s.id} withBorder p="sm" data-testid="commission-staff">
            <Group gap="xs" mb={own.length ? 6 : 0}>
              <Text fw={600}>{s.name}</Text>
              <Badge variant="light" size="sm">
                {roleLabel(s.role)}
              </Badge>
              {!s.active && (
                <Badge color="gray" size="sm">
                  {t("commission.inactive")}
                </Badge>
              )}
            </Group>
            {own.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t("commission.noRate")}
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
                        ? t("commission.onCategory", { category: r.category })
                        : own.some((o) => o.category)
                          ? t("commission.onEverythingElse")
                          : t("commission.onEverything")}
                      : <b>{percentText(r.rateBp)}</b>
                    </Text>
                    {owner && (
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={t("commission.removeName", { name: s.name, on: onWhat(r.category) })}
                        onClick={() => remove.mutate(r)}
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
