// O1: how far a new business is with setting itself up: services (any item), a package template, and
// staff besides the owner. The start page shows it; the "Getting started" link stays until the
// business has something to sell (an item and a template).
import { useEffect, useState } from "react";
import { api } from "../api.js";

export interface Progress {
  items: number;
  templates: number;
  staff: number;
}

const count = (path: string) =>
  api.get<unknown>(path).then((rows) => (Array.isArray(rows) ? rows.length : 0));

export async function loadProgress(): Promise<Progress> {
  const [items, templates, staff] = await Promise.all([
    count("/api/v1/items"),
    count("/api/v1/templates"),
    count("/api/v1/staff"),
  ]);
  return { items, templates, staff };
}

/** Set up enough to sell: the start page is no longer the home page. */
export const readyToSell = (p: Progress) => p.items > 0 && p.templates > 0;

export interface ProgressState {
  progress: Progress | null;
  /** it could not be read (a role that may not list staff, the server away) */
  failed: boolean;
}

/**
 * The progress, loaded again whenever `reloadKey` changes (the page the person is on) until the
 * business is ready to sell.
 */
export function useProgress(enabled: boolean, reloadKey?: string): ProgressState {
  const [state, setState] = useState<ProgressState>({ progress: null, failed: false });
  const ready = state.progress !== null && readyToSell(state.progress);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey reloads on purpose: a step done on another page shows when the person comes back
  useEffect(() => {
    if (!enabled || ready) return;
    let current = true;
    loadProgress().then(
      (progress) => current && setState({ progress, failed: false }),
      () => current && setState((s) => ({ ...s, failed: true })),
    );
    return () => {
      current = false;
    };
  }, [enabled, ready, reloadKey]);
  return state;
}
