// U4: the query keys of a customer's packages, and what a change to a package refreshes: the
// customer's packages and store credit, the activity log and the reports (live updates from other
// desks invalidate the same keys).
import type { QueryClient } from "@tanstack/react-query";

export const packagesKey = (customerId: string) => ["packages", customerId, "list"] as const;
export const usageKey = (customerId: string, packageId: string) =>
  ["packages", customerId, packageId, "usage"] as const;
export const customerKey = (customerId: string) => ["customers", customerId] as const;
export const storeCreditKey = (customerId: string) => ["customers", customerId, "store-credit"] as const;

/** After a sale, redemption, adjustment, extension, refund or undo. */
export function afterPackageChange(queryClient: QueryClient, customerId: string): Promise<unknown> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: ["packages"] }),
    queryClient.invalidateQueries({ queryKey: ["activity"] }),
    queryClient.invalidateQueries({ queryKey: ["reports"] }),
    queryClient.invalidateQueries({ queryKey: storeCreditKey(customerId) }),
  ]);
}
