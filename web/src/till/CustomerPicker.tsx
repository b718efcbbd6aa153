// Search-as-you-type customer picker for the till.
import { Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useState } from "react";
import { api, query } from "../api.js";
import type { Customer } from "../types.js";

export function CustomerPicker({
  value,
  onChange,
  label = "Customer",
}: {
  value: { id: string; name: string } | null;
  onChange: (id: string | null) => void;
  label?: string;
}) {
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 120);
  const [options, setOptions] = useState<Array<{ value: string; label: string }>>(
    value ? [{ value: value.id, label: value.name }] : [],
  );
  useEffect(() => {
    if (!debounced || debounced === value?.name) return;
    api.get<Customer[]>(`/api/v1/customers${query({ q: debounced, limit: 15 })}`).then(
      (rows) =>
        setOptions(rows.map((c) => ({ value: c.id, label: c.phone ? `${c.name} · ${c.phone}` : c.name }))),
      () => {},
    );
  }, [debounced, value?.name]);
  return (
    <Select
      label={label}
      placeholder="Walk-in (no customer) — type to search"
      searchable
      clearable
      data={options}
      value={value?.id ?? null}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={onChange}
      nothingFoundMessage={debounced ? "No customer found" : "Type a name, phone or e-mail"}
      filter={({ options: o }) => o}
    />
  );
}
