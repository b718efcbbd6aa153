// What the report tabs share: loading a report by URL, and the period picker.
import { TextInput } from "@mantine/core";
import { useEffect, useState } from "react";
import { api, plainWords } from "../api.js";

export function useLoad<T>(url: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!url) return;
    setData(null);
    api.get<T>(url).then(
      (d) => {
        setData(d);
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, [url]);
  return { data, error };
}

function monthStart(offsetMonths: number): string {
  const d = new Date();
  return new Date(d.getFullYear(), d.getMonth() + offsetMonths, 1).toISOString().slice(0, 10);
}

export function usePeriod() {
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
        label="From"
        value={from}
        onChange={(e) => setFrom(e.currentTarget.value)}
        w={170}
      />
      <TextInput
        type="date"
        label="Until (not included)"
        value={to}
        onChange={(e) => setTo(e.currentTarget.value)}
        w={170}
        error={valid ? undefined : "Until must be after From"}
      />
    </>
  );
  return { params, inputs };
}
