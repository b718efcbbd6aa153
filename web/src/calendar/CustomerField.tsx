// The booking modal's first field: who the appointment is for, searched as one types. It takes the
// modal's first focus (data-autofocus), so that typing starts a search and Enter never closes it.
import { Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { CustomerPage } from "../api/types.js";
import { api, query } from "../api.js";

/** How many of the first customers found have their packages asked for before one is chosen. */
const LIKELY = 3;

export function CustomerField({
  value,
  onChange,
  onIntent,
}: {
  value: { id: string; name: string } | null;
  onChange: (customer: { id: string; name: string } | null) => void;
  /**
   * a customer is likely to be chosen (among the first found, or the pointer is on them): what
   * choosing them shows may be asked for already
   */
  onIntent?: (customerId: string) => void;
}) {
  const { t } = useTranslation("calendar");
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search.trim(), 120);
  // Once chosen, the field shows the customer's label ("Judit Farkas · +36 …"): no search for that.
  const asking = debounced !== "" && !(value && debounced.startsWith(value.name));
  const found = useQuery({
    queryKey: ["customers", "search", debounced],
    queryFn: () => api.get<CustomerPage>(`/api/v1/customers${query({ q: debounced, limit: 15 })}`),
    enabled: asking,
    placeholderData: keepPreviousData,
  });
  // The first few found are most likely the one: what choosing them shows is asked for already.
  const first = asking ? (found.data?.items.slice(0, LIKELY) ?? []) : [];
  const likely = first.map((c) => c.id).join();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the ids are the dependency, joined
  useEffect(() => {
    if (likely) for (const id of likely.split(",")) onIntent?.(id);
  }, [likely]);
  const options = (asking ? (found.data?.items ?? []) : []).map((c) => ({
    value: c.id,
    label: c.phone ? `${c.name} · ${c.phone}` : c.name,
    name: c.name,
  }));
  if (value && !options.some((o) => o.value === value.id))
    options.unshift({ value: value.id, label: value.name, name: value.name });
  return (
    <Select
      data-autofocus
      label={t("booking.customer")}
      placeholder={t("booking.customerPlaceholder")}
      searchable
      // opens as the person types: the modal draws at once, without a "type to search" list first
      openOnFocus={false}
      clearable
      data={options}
      value={value?.id ?? null}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(id) => {
        const chosen = options.find((o) => o.value === id);
        onChange(chosen ? { id: chosen.value, name: chosen.name } : null);
      }}
      nothingFoundMessage={asking && !found.isFetching ? t("booking.noCustomer") : t("booking.typeToSearch")}
      filter={({ options: o }) => o}
      renderOption={({ option }) => (
        <span style={{ display: "block" }} onPointerEnter={() => onIntent?.(option.value)}>
          {option.label}
        </span>
      )}
    />
  );
}
