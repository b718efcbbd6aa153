// Create or edit a package template (P2, O3), the way the seeds describe it: a course is a number of
// one service, a package a collection of items, each with its credits; a price per currency, a
// validity, how commission is counted (seed 004: the item's retail price or the package price per
// credit), online booking and where it can be used. Beside the form, a live preview of what one
// credit of each item will be worth, from the server's own rule (POST /api/v1/templates/preview).
import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Radio,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Item, Template } from "../api/types.js";
import { api } from "../api.js";
import { useMe } from "../auth/session.js";
import { numberInputSeparators } from "../number-input.js";
import {
  type CommissionBasis,
  currenciesOf,
  pricesToText,
  readableLines,
  readPrices,
  showRefusal,
} from "./catalog-form.js";
import { PriceFields } from "./PriceFields.js";
import { TemplatePreview } from "./TemplatePreview.js";

export type ValidityKind = "days" | "months" | "fixed_date" | "one_day" | "none";

export const VALIDITY_KINDS: ValidityKind[] = ["days", "months", "fixed_date", "one_day", "none"];

interface Line {
  itemId: string | null;
  credits: number | string;
}

interface Values {
  kind: "course" | "package";
  name: string;
  lines: Line[];
  prices: Record<string, string>;
  validityKind: ValidityKind;
  validityCount: number | string;
  validityDate: string;
  commissionBasis: CommissionBasis;
  onlineBookable: boolean;
  /** none ticked: every location */
  locationIds: string[];
}

export function TemplateForm({
  template,
  items,
  onClose,
  onSaved,
}: {
  /** absent: a new template */
  template?: Template;
  /** the active items that can go in a template (and any archived one the template already has) */
  items: Item[];
  onClose: () => void;
  onSaved: (t: Template) => void;
}) {
  const me = useMe();
  const { t } = useTranslation("catalog");
  const mobile = useMediaQuery("(max-width: 36em)");
  const currencies = currenciesOf(me.locations);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<Values>({
    initialValues: {
      kind: template?.kind === "package" ? "package" : "course",
      name: template?.name ?? "",
      lines: template?.items.map((i) => ({ itemId: i.itemId, credits: i.quantity })) ?? [
        { itemId: null, credits: 5 },
      ],
      prices: pricesToText(template?.prices ?? {}, currencies),
      validityKind: (template?.validity.kind as ValidityKind | undefined) ?? "months",
      validityCount: template?.validity.count ?? 6,
      validityDate: template?.validity.date ?? "",
      commissionBasis: template?.commissionBasis ?? "item_retail_price",
      onlineBookable: template?.onlineBookable ?? false,
      locationIds: template?.locationIds ?? [],
    },
    validate: (v) => {
      const { prices, errors } = readPrices(v.prices);
      const lineErrors: Record<string, string | null> = {};
      v.lines.forEach((l, i) => {
        lineErrors[`lines.${i}.itemId`] = l.itemId ? null : t("template.chooseItem");
        const n = Number(l.credits);
        lineErrors[`lines.${i}.credits`] =
          l.credits === "" || !Number.isInteger(n) || n < 1
            ? t("template.atLeastOneCredit")
            : n > 100_000
              ? t("template.atMostCredits")
              : null;
      });
      const ids = v.lines.map((l) => l.itemId).filter(Boolean);
      const needsCount = v.validityKind === "days" || v.validityKind === "months";
      const count = Number(v.validityCount);
      return {
        ...errors,
        ...lineErrors,
        name: v.name.trim() ? null : t("template.nameRequired", { context: v.kind }),
        lines:
          new Set(ids).size !== ids.length
            ? t("template.duplicateItem")
            : v.kind === "course" && v.lines.length !== 1
              ? t("template.courseOneService")
              : null,
        prices:
          Object.keys(errors).length === 0 && Object.keys(prices).length === 0 ? t("priceRequired") : null,
        validityCount:
          needsCount && (v.validityCount === "" || !Number.isInteger(count) || count < 1 || count > 3650)
            ? t("template.countRange")
            : null,
        validityDate:
          v.validityKind === "fixed_date" && !/^\d{4}-\d{2}-\d{2}$/.test(v.validityDate)
            ? t("template.dateRequired")
            : null,
      };
    },
  });
  const v = form.getValues();
  const chosen = new Set(v.lines.map((l) => l.itemId));
  const itemChoices = (current: string | null) =>
    items
      .filter((i) => (i.active || i.id === current) && (i.id === current || !chosen.has(i.id)))
      .map((i) => ({ value: i.id, label: i.active ? i.name : t("template.archivedItem", { name: i.name }) }));

  async function save(values: Values) {
    setBusy(true);
    setRefusal(null);
    const needsCount = values.validityKind === "days" || values.validityKind === "months";
    const body = {
      kind: values.kind,
      name: values.name.trim(),
      prices: readPrices(values.prices).prices,
      items: readableLines(values.lines),
      validity: {
        kind: values.validityKind,
        count: needsCount ? Number(values.validityCount) : null,
        date: values.validityKind === "fixed_date" ? values.validityDate : null,
      },
      commissionBasis: values.commissionBasis,
      onlineBookable: values.onlineBookable,
      locationIds: values.locationIds,
    };
    try {
      const saved = template
        ? await api.patch<Template>(`/api/v1/templates/${template.id}`, body)
        : await api.post<Template>("/api/v1/templates", body);
      notifications.show({ color: "green", message: t("saved", { name: saved.name }) });
      onSaved(saved);
    } catch (e) {
      setRefusal(
        showRefusal(form, e, {
          items: "lines",
          "validity.count": "validityCount",
          "validity.date": "validityDate",
          "validity.kind": "validityKind",
        }),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened
      onClose={onClose}
      title={template ? t("editName", { name: template.name }) : t("template.new")}
      fullScreen={mobile}
      size="xl"
    >
      <form onSubmit={form.onSubmit(save)} noValidate>
        <Stack>
          {template && (
            <Alert color="blue" data-testid="sold-packages-note">
              {template.soldCount
                ? t("template.soldNoteCount", { count: template.soldCount })
                : t("template.soldNote")}
            </Alert>
          )}
          {refusal && <Alert color="red">{refusal}</Alert>}
          <div>
            <SegmentedControl
              fullWidth
              aria-label={t("template.kindLabel")}
              data={[
                { value: "course", label: t("template.kindCourse") },
                { value: "package", label: t("template.kindPackage") },
              ]}
              {...form.getInputProps("kind")}
              onChange={(k) => {
                form.setFieldValue("kind", k as Values["kind"]);
                if (k === "course" && form.getValues().lines.length > 1)
                  form.setFieldValue("lines", form.getValues().lines.slice(0, 1));
              }}
            />
            <Text size="xs" c="dimmed" mt={4}>
              {v.kind === "course" ? t("template.courseHint") : t("template.packageHint")}
            </Text>
          </div>
          <TextInput
            label={t("name")}
            placeholder={t("template.namePlaceholder", { context: v.kind })}
            required
            maxLength={200}
            {...form.getInputProps("name")}
          />
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              {t("template.lines", { context: v.kind })}
            </Text>
            {v.lines.map((line, i) => (
              <Group key={form.key(`lines.${i}`)} align="flex-start" wrap="nowrap" gap="xs">
                <Select
                  flex={1}
                  aria-label={t("template.itemN", { n: i + 1 })}
                  placeholder={t("template.itemPlaceholder", { context: v.kind })}
                  searchable
                  data={itemChoices(line.itemId)}
                  nothingFoundMessage={t("template.noSuchItem")}
                  {...form.getInputProps(`lines.${i}.itemId`)}
                />
                <NumberInput
                  {...numberInputSeparators()}
                  w={120}
                  aria-label={t("template.creditsOfItemN", { n: i + 1 })}
                  rightSection={
                    <Text size="xs" c="dimmed">
                      {t("template.creditsUnit")}
                    </Text>
                  }
                  rightSectionWidth={52}
                  min={1}
                  max={100_000}
                  clampBehavior="none"
                  allowDecimal={false}
                  allowNegative={false}
                  {...form.getInputProps(`lines.${i}.credits`)}
                />
                {v.kind === "package" && v.lines.length > 1 && (
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    size="lg"
                    mt={2}
                    aria-label={t("template.removeItemN", { n: i + 1 })}
                    onClick={() => form.removeListItem("lines", i)}
                  >
                    ×
                  </ActionIcon>
                )}
              </Group>
            ))}
            {form.errors.lines && (
              <Text size="xs" c="red">
                {form.errors.lines}
              </Text>
            )}
            {v.kind === "package" && (
              <Button
                variant="light"
                size="xs"
                w="fit-content"
                onClick={() => form.insertListItem("lines", { itemId: null, credits: 1 })}
              >
                {t("template.addItem")}
              </Button>
            )}
          </Stack>
          <PriceFields
            form={form}
            currencies={currencies}
            title={t("template.price", { context: v.kind })}
            hint={t("template.priceHint")}
            examples={{ HUF: "40000", other: "120.00" }}
          />
          <TemplatePreview lines={v.lines} prices={v.prices} basis={v.commissionBasis} />
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <Select
              label={t("template.validFor")}
              allowDeselect={false}
              data={VALIDITY_KINDS.map((value) => ({ value, label: t(`template.validity.${value}`) }))}
              {...form.getInputProps("validityKind")}
            />
            {(v.validityKind === "days" || v.validityKind === "months") && (
              <NumberInput
                {...numberInputSeparators()}
                label={
                  v.validityKind === "days"
                    ? t("template.daysFromPurchase")
                    : t("template.monthsFromPurchase")
                }
                min={1}
                max={3650}
                clampBehavior="none"
                allowDecimal={false}
                allowNegative={false}
                {...form.getInputProps("validityCount")}
              />
            )}
            {v.validityKind === "fixed_date" && (
              <TextInput
                type="date"
                label={t("template.expiresEndOf")}
                {...form.getInputProps("validityDate")}
              />
            )}
          </SimpleGrid>
          <Text size="xs" c="dimmed" mt={-8}>
            {t("template.expiryHint")}
          </Text>
          <Radio.Group
            label={t("template.commissionLabel")}
            description={t("template.commissionHint")}
            {...form.getInputProps("commissionBasis")}
          >
            <Stack gap={6} mt={6}>
              <Radio value="item_retail_price" label={t("template.basisRetail")} />
              <Radio value="package_price_per_credit" label={t("template.basisPerCredit")} />
            </Stack>
          </Radio.Group>
          <Checkbox
            label={t("template.online")}
            description={t("template.onlineHint")}
            {...form.getInputProps("onlineBookable", { type: "checkbox" })}
          />
          {me.locations.length > 1 && (
            <Checkbox.Group
              label={t("template.usedAt")}
              description={t("template.usedAtHint")}
              {...form.getInputProps("locationIds")}
            >
              <Stack gap={6} mt={6}>
                {me.locations.map((l) => (
                  <Checkbox key={l.id} value={l.id} label={l.name} />
                ))}
              </Stack>
            </Checkbox.Group>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("common:actions.cancel")}
            </Button>
            <Button type="submit" loading={busy}>
              {t("template.save", { context: v.kind })}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
