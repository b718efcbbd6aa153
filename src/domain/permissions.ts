// S1: who may do what. The server checks these on every call; the web app hides what a role may not use.
export type Role = "owner" | "manager" | "front_desk" | "practitioner";

export type Action =
  | "read"
  | "sell_package"
  | "redeem"
  | "undo"
  | "adjust"
  | "extend_expiry"
  | "refund"
  | "manage_catalog"
  | "manage_customers"
  | "manage_staff"
  | "manage_settings"
  | "view_reports";

const MANAGERS: ReadonlySet<Role> = new Set(["owner", "manager"]);
const DESK: ReadonlySet<Role> = new Set(["owner", "manager", "front_desk"]);
const EVERYONE: ReadonlySet<Role> = new Set(["owner", "manager", "front_desk", "practitioner"]);

const ALLOWED: Record<Action, ReadonlySet<Role>> = {
  read: EVERYONE,
  redeem: EVERYONE,
  sell_package: DESK,
  manage_customers: DESK,
  view_reports: MANAGERS,
  undo: MANAGERS,
  adjust: MANAGERS,
  extend_expiry: MANAGERS,
  refund: MANAGERS,
  manage_catalog: MANAGERS,
  manage_settings: new Set(["owner"]),
  manage_staff: new Set(["owner"]),
};

export const may = (role: Role, action: Action) => ALLOWED[action].has(role);
export const allowedActions = (role: Role) => (Object.keys(ALLOWED) as Action[]).filter((a) => may(role, a));
