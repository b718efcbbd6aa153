// The classes' reads and writes through TanStack Query (U4). Keys start with the resource: a class
// change also changes packages (a credit booked, used or given back), tickets (a checkout), the
// activity log and the reports, so each write refreshes all of them.
import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Item, Member as StaffMember } from "../api/types.js";

export type { StaffMember };

import { api } from "../api.js";
import { allPages } from "../pages.js";
import type { ClassSession, ReviewEntry } from "./class-types.js";

export const classKeys = {
  all: ["classes"] as const,
  sessions: (f: { from: string; to: string; locationId: string; staffId: string | null }) =>
    ["classes", "sessions", f] as const,
  session: (id: string) => ["classes", "session", id] as const,
  reviews: ["classes", "reviews"] as const,
};

export function useSessions(f: { from: string; to: string; locationId: string; staffId: string | null }) {
  return useQuery({
    queryKey: classKeys.sessions(f),
    // W2: the list comes a page at a time; the schedule shows the whole range, so it reads every page.
    queryFn: () => allPages<ClassSession>("/api/v1/class-sessions", f),
  });
}

export function useClassSession(id: string) {
  return useQuery({
    queryKey: classKeys.session(id),
    queryFn: () => api.get<ClassSession>(`/api/v1/class-sessions/${id}`),
  });
}

export function useReviews() {
  return useQuery({
    queryKey: classKeys.reviews,
    queryFn: () => api.get<ReviewEntry[]>("/api/v1/class-reviews"),
  });
}

/** Active staff, for the instructor pickers. */
export function useActiveStaff() {
  return useQuery({
    queryKey: ["staff", "list"],
    queryFn: () => api.get<StaffMember[]>("/api/v1/staff"),
    select: (rows) => rows.filter((s) => s.active),
  });
}

export function useClassTypes(enabled = true) {
  return useQuery({
    queryKey: ["catalog", "items", "class_type"],
    queryFn: () =>
      api.get<Array<Item & { durationMinutes?: number | null }>>("/api/v1/items?kind=class_type"),
    select: (rows) => rows.filter((i) => i.active),
    enabled,
  });
}

/**
 * After a booking, a check-out, a no-show, a cancellation or a review: the session the server
 * answered with is shown at once, and everything the change touches is read again.
 */
export function useClassesChanged() {
  const client = useQueryClient();
  return (session?: ClassSession) => refreshAfterClassChange(client, session);
}

export function refreshAfterClassChange(client: QueryClient, session?: ClassSession) {
  if (session) client.setQueryData(classKeys.session(session.id), session);
  for (const resource of [
    "classes",
    "packages",
    "customers",
    "tickets",
    "activity",
    "reports",
    "appointments",
  ])
    void client.invalidateQueries({ queryKey: [resource] });
}
