import type { Role } from "../api/types.js";

/** S1: the roles, in the order the screens offer them. */
export const ROLES: Role[] = ["owner", "manager", "front_desk", "practitioner"];
