// Add or edit a service, product or class type (P1, O3): name, category, price per currency of the
// business, and what the kind needs (a service's duration, a product's flags from seed 004).
import {
  Alert,
  Autocomplete,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  SimpleGrid,
  Stack,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Item } from "../api/types.js";
import { api } from "../api.js";
import { useMe } from "../auth/session.js";
import { numberInputSeparators } from "../number-input.js";
import { currenciesOf, pricesToText, readPrices, showRefusal } from "./catalog-form.js";
import { PriceFields } from "./PriceFields.js";

export type ItemKind = "service" | "product" | "class_type";

interface Values {
  name: string;
  category: string;
  prices: Record<string, string>;
  durationMinutes: number | string;
  taxRatePercent: number | string;
  sellToClients: boolean;
  commissionEligible: boolean;
}

export function ItemForm({
  kind,
  item,
  categories,
  onClose,
  onSaved,
}: {
  kind: ItemKind;
  /** absent: a new item */
  item?: Item;
  /** the categories in use, as suggestions */
  categories: string[];
  onClose: () => void;
  onSaved: (item: Item) => void;
}) {
  const me = useMe();
  const { t } = useTranslation("catalog");
  const mobile = useMediaQuery("(max-width: 36em)");
  const currencies = currenciesOf(me.locations);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<Values>({
    initialValues: {
      name: item?.name ?? "",
      category: item?.category ?? "",
      prices: pricesToText(item?.prices ?? {}, currencies),
      durationMinutes: item?.durationMinutes ?? (kind === "service" ? 30 : ""),
      taxRatePercent: item?.taxRateBp !== undefined ? item.taxRateBp / 100 : 0,
      sellToClients: item?.sellToClients ?? true,
      commissionEligible: item?.commissionEligible ?? true,
    },
    validate: (v) => {
      const { prices, errors } = readPrices(v.prices);
      const noPrice = Object.keys(errors).length === 0 && Object.keys(prices).length === 0;
      return {
        ...errors,
        name: v.name.trim() ? null : t("item.nameRequired", { context: kind }),
        prices: noPrice ? t("priceRequired") : null,
        durationMinutes:
          kind === "service" &&
          (v.durationMinutes === "" || Number(v.durationMinutes) < 1 || Number(v.durationMinutes) > 1440)
            ? t("item.durationRange")
            : null,
        taxRatePercent:
          v.taxRatePercent === "" || Number(v.taxRatePercent) < 0 || Number(v.taxRatePercent) > 100
            ? t("item.taxRange")
            : null,
      };
    },
  });

  async function save(v: Values) {
    setBusy(true);
    setRefusal(null);
    const body = {
      name: v.name.trim(),
      category: v.category.trim() || null,
      prices: readPrices(v.prices).prices,
      durationMinutes: v.durationMinutes === "" ? null : Number(v.durationMinutes),
      taxRateBp: Math.round(Number(v.taxRatePercent) * 100),
      ...(kind === "product"
        ? { sellToClients: v.sellToClients, commissionEligible: v.commissionEligible }
        : {}),
    };
    try {
      const saved = item
        ? await api.patch<Item>(`/api/v1/items/${item.id}`, body)
        : await api.post<Item>("/api/v1/items", { kind, ...body });
      notifications.show({ color: "green", message: t("saved", { name: saved.name }) });
      onSaved(saved);
    } catch (e) {
      setRefusal(showRefusal(form, e, { taxRateBp: "taxRatePercent" }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened
      onClose={onClose}
      title={item ? t("editName", { name: item.name }) : t("item.new", { context: kind })}
      fullScreen={mobile}
      size="lg"
    >
      <form onSubmit={form.onSubmit(save)} noValidate>
        <Stack>
          {refusal && <Alert color="red">{refusal}</Alert>}
          <TextInput label={t("name")} required maxLength={200} {...form.getInputProps("name")} />
          <Autocomplete
            label={t("item.category")}
            description={t("item.categoryHint")}
            placeholder={t("item.categoryPlaceholder")}
            data={categories}
            maxLength={100}
            {...form.getInputProps("category")}
          />
          <PriceFields
            form={form}
            currencies={currencies}
            title={t("item.price")}
            hint={t("item.priceHint")}
            examples={{ HUF: "12000", other: "12.50" }}
          />
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            {kind !== "product" && (
              <NumberInput
                {...numberInputSeparators()}
                label={t("item.duration")}
                description={kind === "class_type" ? t("item.classDurationHint") : undefined}
                required={kind === "service"}
                min={1}
                max={1440}
                clampBehavior="none"
                allowDecimal={false}
                allowNegative={false}
                {...form.getInputProps("durationMinutes")}
              />
            )}
            <NumberInput
              {...numberInputSeparators()}
              label={t("item.taxRate")}
              min={0}
              max={100}
              clampBehavior="none"
              decimalScale={2}
              {...form.getInputProps("taxRatePercent")}
            />
          </SimpleGrid>
          {kind === "product" && (
            <>
              <Checkbox
                label={t("item.sellToClients")}
                description={t("item.sellToClientsHint")}
                {...form.getInputProps("sellToClients", { type: "checkbox" })}
              />
              <Checkbox
                label={t("item.commissionEligible")}
                description={t("item.commissionEligibleHint")}
                {...form.getInputProps("commissionEligible", { type: "checkbox" })}
              />
            </>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common:actions.cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {t("item.save", { context: kind })}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
