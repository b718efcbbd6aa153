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
  | "transfer_credits"
  | "pause_package"
  | "manage_catalog"
  | "manage_customers"
  | "manage_staff"
  | "manage_api_tokens"
  | "manage_working_hours"
  | "manage_settings"
  | "manage_commission_rates"
  | "view_reports"
  | "import_data"
  | "export_customer_data"
  | "export_business_data"
  | "manage_webhooks";

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
  transfer_credits: MANAGERS,
  pause_package: MANAGERS,
  manage_catalog: MANAGERS,
  manage_settings: new Set(["owner"]),
  // O4: what staff are paid is the owner's call; managers read the rates with the report.
  manage_commission_rates: new Set(["owner"]),
  manage_staff: new Set(["owner"]),
  // O2: roles and who is active are the owner's; integrations and the rota are managers' work too.
  manage_api_tokens: MANAGERS,
  manage_working_hours: MANAGERS,
  // O5, O6: bringing packages from another system is a manager's job; a customer's own data is
  // handed over on request by a manager; everything at once, every customer's, only by the owner.
  import_data: MANAGERS,
  export_customer_data: MANAGERS,
  export_business_data: new Set(["owner"]),
  // W3: integrations are managers' work too, as API tokens are
  manage_webhooks: MANAGERS,
};

export const may = (role: Role, action: Action) => ALLOWED[action].has(role);
export const allowedActions = (role: Role) => (Object.keys(ALLOWED) as Action[]).filter((a) => may(role, a));
