// Search-as-you-type customer picker for the till.
import { Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CustomerPage } from "../api/types.js";
import { api, query } from "../api.js";

export function CustomerPicker({
  value,
  onChange,
  label,
  autoFocus = false,
}: {
  value: { id: string; name: string } | null;
  onChange: (customer: { id: string; name: string } | null) => void;
  label?: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation("till");
  const [search, setSearch] = useState(value?.name ?? "");
  const [debounced] = useDebouncedValue(search, 120);
  // The select shows the chosen option's label in its box: that is not a new search.
  const [chosenLabel, setChosenLabel] = useState(value?.name ?? "");
  const searching = debounced !== "" && debounced !== chosenLabel && debounced !== value?.name;
  const found = useQuery({
    queryKey: ["customers", "search", debounced] as const,
    queryFn: () => api.get<CustomerPage>(`/api/v1/customers${query({ q: debounced, limit: 15 })}`),
    enabled: searching,
    placeholderData: keepPreviousData,
  });
  const rows = searching ? (found.data?.items ?? []) : [];
  const labelOf = (c: { name: string; phone: string | null }) =>
    c.phone ? `${c.name} · ${c.phone}` : c.name;
  const options = rows.map((c) => ({ value: c.id, label: labelOf(c) }));
  if (value && !options.some((o) => o.value === value.id))
    options.unshift({ value: value.id, label: value.name });
  return (
    <Select
      label={label ?? t("customerPicker.label")}
      placeholder={t("customerPicker.placeholder")}
      searchable
      clearable
      autoFocus={autoFocus}
      data={options}
      value={value?.id ?? null}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(id) => {
        if (!id) return onChange(null);
        const row = rows.find((c) => c.id === id);
        if (!row) return;
        setChosenLabel(labelOf(row));
        onChange({ id: row.id, name: row.name });
      }}
      // Nothing to show before a search: no empty dropdown over what is below the field.
      nothingFoundMessage={searching && !found.isFetching ? t("customerPicker.nothingFound") : undefined}
      filter={({ options: o }) => o}
    />
  );
}
