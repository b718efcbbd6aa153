// What the report tabs share: loading a report through TanStack Query (key ["reports", url], so a
// change anywhere refreshes it, U4), the staff list for the filters, and the period picker.
import { TextInput } from "@mantine/core";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, plainWords, query } from "../api.js";
import type { Page } from "../pages.js";

/** A report by its URL; null waits (e.g. for a valid period). */
export function useReport<T>(url: string | null) {
  const q = useQuery({
    queryKey: ["reports", url],
    queryFn: () => api.get<T>(url!),
    enabled: url !== null,
  });
  return { data: q.data ?? null, error: q.error ? plainWords(q.error) : null, loading: q.isPending };
}

/**
 * W2: a report read a page at a time (key ["reports", path, params], refreshed as useReport is):
 * the rows shown so far, the first page's other fields (a report's totals cover every row), and
 * `list` for LoadMore. null params wait.
 */
export function usePagedReport<P extends Page<unknown>>(
  path: string,
  params: Record<string, string | number | null | undefined> | null,
  limit = 100,
) {
  const q = useInfiniteQuery({
    queryKey: ["reports", path, params],
    queryFn: ({ pageParam }) => api.get<P>(`${path}${query({ ...params, limit, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: params !== null,
  });
  const first = q.data?.pages[0] ?? null;
  const rows = (q.data?.pages.flatMap((p) => p.items) ?? []) as P["items"];
  return { first, rows, list: q, error: q.error ? plainWords(q.error) : null };
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
