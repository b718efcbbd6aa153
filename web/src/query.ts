// U4: every screen reads the server through TanStack Query, so that a change made here or announced by
// the server (live updates) refreshes every screen that shows it, by query key.
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api.js";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A front desk answers the phone and comes back: live updates keep data fresh, not polling.
      staleTime: 30_000,
      refetchOnWindowFocus: true,
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});
