// O2: what the staff administration routes answer (src/http/routes/staff.ts).
import type { Role } from "../types.js";

export interface Member {
  id: string;
  name: string;
  email: string;
  role: Role;
  homeLocationId: string;
  active: boolean;
}

/** One interval of a week: weekday 1 = Monday … 7 = Sunday; times "HH:MM", the location's local time. */
export interface Hours {
  weekday: number;
  start: string;
  end: string;
}

export interface WorkingHours {
  staffId: string;
  /** false: no hours anywhere, so online booking offers the member whenever a location is open */
  scheduled: boolean;
  locations: Array<{ locationId: string; hours: Hours[] }>;
}

export interface OpeningHours {
  locationId: string;
  /** false: no opening hours, so online booking offers 09:00-18:00 every day */
  set: boolean;
  hours: Hours[];
}

export interface ApiToken {
  id: string;
  name: string;
  status: "active" | "expired" | "revoked";
  madeBy: { id: string; name: string };
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: { id: string; name: string } | null;
}

export interface ApiTokenMade {
  id: string;
  token: string;
  name: string;
  createdAt: string;
  expiresAt: string;
}

export const ROLES: Role[] = ["owner", "manager", "front_desk", "practitioner"];
