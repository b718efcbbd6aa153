// U4: the staff list, read by the Staff screen and by the catalog's commission rates under one key.
import { useQuery } from "@tanstack/react-query";
import type { Member } from "../api/types.js";
import { api } from "../api.js";

/** The members, the active first, each group by name as the server sorts it. */
export function useStaff() {
  return useQuery({
    queryKey: ["staff"],
    queryFn: async () => {
      const rows = await api.get<Member[]>("/api/v1/staff");
      return [...rows.filter((m) => m.active), ...rows.filter((m) => !m.active)];
    },
  });
}
