// The customer list's query, in a file of its own: the list reads it, and signing in asks for the
// first page at once, beside drawing the screen, so that the rows come with it (U3: sign-in → list).
import { infiniteQueryOptions } from "@tanstack/react-query";
import type { CustomerPage } from "../api/types.js";
import { api, query } from "../api.js";

export const PAGE_SIZE = 25;

export const customerListQuery = (q: string) =>
  infiniteQueryOptions({
    queryKey: ["customers", "list", { q }],
    queryFn: ({ pageParam }) =>
      api.get<CustomerPage>(`/api/v1/customers${query({ q, limit: PAGE_SIZE, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
