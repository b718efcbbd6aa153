// The till's reads and what a change refreshes (U4): a ticket is ["tickets", id], lists are
// ["tickets", "list", …]; a customer's packages and store credit share the customer screen's keys. Editing an open ticket moves reservations (packages); closing, voiding or
// refunding settles credits, money, appointments, classes, reports and the activity log.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { Item, Package, Template, Ticket, TicketSummary } from "../api/types.js";
import { api } from "../api.js";
import { packagesKey, storeCreditKey } from "../packages/queries.js";
import { allPages, pagedQuery } from "../pages.js";
import { queryClient } from "../query.js";

export type { TicketSummary };

export const ticketKey = (ticketId: string) => ["tickets", ticketId] as const;

export const useTicket = (ticketId: string) =>
  useQuery({
    queryKey: ticketKey(ticketId),
    queryFn: () => api.get<Ticket>(`/api/v1/tickets/${ticketId}`),
  });

/** W2: tickets newest first, a page of `limit` at a time ("Show more" reads the next). */
export const useTicketList = (params: { locationId: string; status?: "open" | "done" }, limit = 50) =>
  useInfiniteQuery({
    queryKey: ["tickets", "list", params, limit] as const,
    ...pagedQuery<TicketSummary>("/api/v1/tickets", params, limit),
  });

/** What the till sells: items and package templates, as the catalog stands. */
export const useSellable = () => ({
  items: useQuery({
    queryKey: ["catalog", "items", "till"] as const,
    queryFn: () => api.get<Item[]>("/api/v1/items"),
  }),
  templates: useQuery({
    queryKey: ["catalog", "templates", "till"] as const,
    queryFn: () => api.get<Template[]>("/api/v1/templates"),
  }),
});

export const useCustomerPackages = (customerId: string | null) =>
  useQuery({
    queryKey: packagesKey(customerId ?? ""),
    // W2: every page: the till picks from all of the customer's packages
    queryFn: () => allPages<Package>(`/api/v1/customers/${customerId}/packages`),
    enabled: customerId !== null,
  });

/** The customer's store credit in one currency (0 when they never had any). */
export const useStoreCredit = (customerId: string | null, currency: string) =>
  useQuery({
    queryKey: storeCreditKey(customerId ?? ""),
    queryFn: () =>
      api.get<Array<{ currency: string; balanceMinor: number }>>(
        `/api/v1/customers/${customerId}/store-credit`,
      ),
    enabled: customerId !== null,
    select: (rows) => rows.find((r) => r.currency === currency)?.balanceMinor ?? 0,
  });

/** An open ticket changed: its reservations moved with it. */
export function ticketEdited(ticket: Ticket) {
  queryClient.setQueryData(ticketKey(ticket.id), ticket);
  void queryClient.invalidateQueries({ queryKey: ["tickets", "list"] });
  void queryClient.invalidateQueries({ queryKey: ["packages"] });
}

/** A ticket closed, voided or refunded: credits, money and everything that shows them moved. */
export function ticketSettled(ticket: Ticket) {
  queryClient.setQueryData(ticketKey(ticket.id), ticket);
  for (const resource of ["tickets", "packages", "activity", "reports", "appointments", "classes"])
    void queryClient.invalidateQueries({ queryKey: [resource] });
  if (ticket.customer) void queryClient.invalidateQueries({ queryKey: ["customers", ticket.customer.id] });
}
