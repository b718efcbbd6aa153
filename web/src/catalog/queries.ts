// U4: what the catalog's screens read, one query per resource under "catalog", so that a change made
// here or announced by the server refreshes every screen that shows it.
import { useQuery } from "@tanstack/react-query";
import type { Item, Location, Template } from "../api/types.js";
import { api, query } from "../api.js";

/** Every item, archived too: the categories in use come from all of them. */
export const useItems = () =>
  useQuery({
    queryKey: ["catalog", "items"],
    queryFn: () => api.get<Item[]>(`/api/v1/items${query({ includeArchived: "true" })}`),
  });

/** Every package template, retired too. */
export const useTemplates = () =>
  useQuery({
    queryKey: ["catalog", "templates"],
    queryFn: () => api.get<Template[]>(`/api/v1/templates${query({ includeRetired: "true" })}`),
  });

export const useLocations = () =>
  useQuery({ queryKey: ["catalog", "locations"], queryFn: () => api.get<Location[]>("/api/v1/locations") });

/** The categories in use, A to Z in the screen's language. */
export function categoriesOf(items: Item[] | undefined, language: string): string[] {
  const collator = new Intl.Collator(language);
  return [...new Set((items ?? []).flatMap((i) => (i.category ? [i.category] : [])))].sort(collator.compare);
}
