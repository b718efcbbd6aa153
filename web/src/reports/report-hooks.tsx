// What the report tabs share: loading a report through TanStack Query (key ["reports", url], so a
// change anywhere refreshes it, U4), the staff list for the filters, and the period picker.
import { TextInput } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, plainWords } from "../api.js";

/** A report by its URL; null waits (e.g. for a valid period). */
export function useReport<T>(url: string | null) {
  const q = useQuery({
    queryKey: ["reports", url],
    queryFn: () => api.get<T>(url!),
    enabled: url !== null,
  });
  return { data: q.data ?? null, error: q.error ? plainWords(q.error) : null, loading: q.isPending };
}

/** Every staff member (active or not: a report names who did what then), for a filter. */
export function useStaffOptions() {
  const q = useQuery({
    queryKey: ["staff", "list"],
    queryFn: () => api.get<Array<{ id: string; name: string; active: boolean }>>("/api/v1/staff"),
  });
  return (q.data ?? []).map((s) => ({ value: s.id, label: s.name }));
}

function monthStart(offsetMonths: number): string {
  const d = new Date();
  const first = new Date(d.getFullYear(), d.getMonth() + offsetMonths, 1);
  return `${first.getFullYear()}-${String(first.getMonth() + 1).padStart(2, "0")}-01`;
}

export function usePeriod() {
  const { t } = useTranslation("reports");
  const [from, setFrom] = useState(monthStart(-2));
  const [to, setTo] = useState(monthStart(1));
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from < to;
  const params = valid
    ? { from: new Date(`${from}T00:00:00`).toISOString(), to: new Date(`${to}T00:00:00`).toISOString() }
    : null;
  const inputs = (
    <>
      <TextInput
        type="date"
        label={t("period.from")}
        value={from}
        onChange={(e) => setFrom(e.currentTarget.value)}
        w={{ base: "100%", xs: 170 }}
      />
      <TextInput
        type="date"
        label={t("period.until")}
        value={to}
        onChange={(e) => setTo(e.currentTarget.value)}
        w={{ base: "100%", xs: 170 }}
        error={valid ? undefined : t("period.untilAfterFrom")}
      />
    </>
  );
  return { params, inputs };
}
