// U4: what the calendar reads, through TanStack Query. Keys start with the resource, so a booking
// made here or at another desk (live updates invalidate ["appointments"]) redraws every calendar.
import { type QueryClient, queryOptions, useQueries, useQuery } from "@tanstack/react-query";
import type {
  Appointment,
  Item,
  OpeningHours,
  Package,
  Member as StaffMember,
  WorkingHours as WorkingHoursAnswer,
} from "../api/types.js";

export type { StaffMember };

import { api } from "../api.js";
import { allPages } from "../pages.js";
import type { StaffHours } from "./slots.js";

export const useStaffList = () =>
  useQuery({
    queryKey: ["staff", "list"],
    queryFn: () => api.get<StaffMember[]>("/api/v1/staff"),
    select: (rows) => rows.filter((s) => s.active),
  });

export const useItems = () =>
  useQuery({ queryKey: ["catalog", "items"], queryFn: () => api.get<Item[]>("/api/v1/items") });

export const useOpeningHours = (locationId: string) =>
  useQuery({
    queryKey: ["staff", "opening-hours", locationId],
    queryFn: () => api.get<OpeningHours>(`/api/v1/locations/${locationId}/opening-hours`),
    select: (r) => (r.set ? r.hours : null),
  });

/** Every member's hours at the location (null: no hours anywhere, so whenever it is open). */
export function useStaffHours(staff: StaffMember[], locationId: string): StaffHours[] | undefined {
  const answers = useQueries({
    queries: staff.map((s) => ({
      queryKey: ["staff", "working-hours", s.id],
      queryFn: () => api.get<WorkingHoursAnswer>(`/api/v1/staff/${s.id}/working-hours`),
    })),
  });
  if (answers.some((a) => a.isPending)) return undefined;
  return staff.map((s, i) => {
    const answer = answers[i]?.data;
    return {
      id: s.id,
      role: s.role,
      // A member whose hours could not be read is taken as unscheduled: offered whenever open.
      hours:
        answer?.scheduled === true
          ? (answer.locations.find((l) => l.locationId === locationId)?.hours ?? [])
          : null,
    };
  });
}

export const appointmentsKey = (locationId: string, from: string, to: string) =>
  ["appointments", locationId, from, to] as const;

export const useAppointments = (locationId: string, from: string, to: string) =>
  useQuery({
    queryKey: appointmentsKey(locationId, from, to),
    // W2: the list comes a page at a time; the calendar shows the whole range, so it reads every page.
    queryFn: () => allPages<Appointment>("/api/v1/appointments", { from, to, locationId }),
    placeholderData: (previous) => previous,
  });

/** A1: the customer's packages that can be booked here now (the booking panel). */
/** A customer's packages that can still be booked from (the booking modal's panel). */
export const availablePackagesQuery = (customerId: string | null) =>
  queryOptions({
    queryKey: ["packages", customerId, "available"],
    queryFn: () => api.get<Package[]>(`/api/v1/customers/${customerId}/available-packages`),
    enabled: customerId !== null,
  });

export const useAvailablePackages = (customerId: string | null) =>
  useQuery(availablePackagesQuery(customerId));

/**
 * After a booking, a cancellation, a no-show, a check-in, a change of cover or a move: the calendar,
 * the customer's packages (their counters moved), the reports and the activity log; a checkout also
 * opens a ticket.
 */
export function afterAppointmentChange(client: QueryClient, customerId: string, ticket = false) {
  void client.invalidateQueries({ queryKey: ["appointments"] });
  // ["packages", customerId, …] and every other list of packages whose counters may show it
  void client.invalidateQueries({ queryKey: ["packages"] });
  void client.invalidateQueries({ queryKey: ["customers", customerId] });
  void client.invalidateQueries({ queryKey: ["activity"] });
  void client.invalidateQueries({ queryKey: ["reports"] });
  if (ticket) void client.invalidateQueries({ queryKey: ["tickets"] });
}

/** An appointment as a change answered it, put in every loaded calendar before they refetch. */
export function putAppointment(client: QueryClient, a: Appointment) {
  client.setQueriesData<unknown>({ queryKey: ["appointments"] }, (rows: unknown) =>
    Array.isArray(rows) ? rows.map((row: Appointment) => (row.id === a.id ? a : row)) : rows,
  );
}
