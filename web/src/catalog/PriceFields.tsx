// A price per currency the business sells in, typed as text (read by catalog-form's readPrices, so
// "12,5" is answered in words, never guessed). Services, products and package templates share it.
import { SimpleGrid, Text, TextInput } from "@mantine/core";
import type { UseFormReturnType } from "@mantine/form";
import { useTranslation } from "react-i18next";

export function PriceFields<V extends { prices: Record<string, string> }>({
  form,
  currencies,
  title,
  hint,
  examples,
}: {
  form: UseFormReturnType<V>;
  currencies: string[];
  title: string;
  hint: string;
  /** a placeholder for forints and one for currencies with decimals */
  examples: { HUF: string; other: string };
}) {
  const { t } = useTranslation("catalog");
  return (
    <div>
      <Text size="sm" fw={500}>
        {title}
      </Text>
      <Text size="xs" c="dimmed" mb={4}>
        {hint}
      </Text>
      <SimpleGrid cols={{ base: 1, xs: Math.min(currencies.length, 3) }}>
        {currencies.map((c) => (
          <TextInput
            key={c}
            label={c}
            aria-label={t("priceIn", { currency: c })}
            inputMode="decimal"
            placeholder={t("example", { value: c === "HUF" ? examples.HUF : examples.other })}
            {...form.getInputProps(`prices.${c}`)}
          />
        ))}
      </SimpleGrid>
      {form.errors.prices && (
        <Text size="xs" c="red" mt={4}>
          {form.errors.prices}
        </Text>
      )}
    </div>
  );
}
