// Search-as-you-type customer picker for the till (and a package's transfer, which leaves out the
// customer the package belongs to).
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
  exclude,
  error,
}: {
  value: { id: string; name: string } | null;
  onChange: (customer: { id: string; name: string } | null) => void;
  label?: string;
  autoFocus?: boolean;
  /** a customer left out of what the search finds (the one a transfer starts from) */
  exclude?: string;
  error?: React.ReactNode;
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
  const rows = searching ? (found.data?.items ?? []).filter((c) => c.id !== exclude) : [];
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
      // a modal's first focus goes to the field marked so
      data-autofocus={autoFocus || undefined}
      error={error}
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
