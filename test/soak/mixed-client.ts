// One client process of the mixed-load soak test: for a bounded time it redeems, undoes, books and
// cancels appointments from a package, opens, closes or voids tickets whose lines a package covers,
// and redeems from and refunds packages that every client races for, through two server processes
// in turn. It prints what the servers told it as one JSON line.
// Run by test/soak/mixed-load.soak.ts with the plan in MIXED_PLAN.

interface Plan {
  client: number;
  urls: string[];
  frontDesk: string;
  manager: string;
  hot: { packageId: string; lineId: string };
  own: { customerId: string; packageId: string; lineId: string };
  /** packages every client redeems from and refunds, in money or as store credit */
  refundable: Array<{ packageId: string; lineId: string }>;
  manicure: string;
  staffId: string;
  durationMs: number;
}

const plan = JSON.parse(process.env.MIXED_PLAN ?? "{}") as Plan;
const told = {
  hotRedeemed: 0,
  hotUndone: 0,
  ownUsed: 0,
  ownBooked: 0,
  /** acknowledged redemptions per refundable package */
  refundableRedeemed: {} as Record<string, number>,
  /** acknowledged refunds */
  refunds: [] as Array<{ packageId: string; kind: string; amountMinor: number }>,
};
const statuses: Record<string, number> = {};
const unexpected: string[] = [];
let turn = plan.client;
let seed = plan.client * 7919 + 1;
const random = () => {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
};

async function call(method: string, path: string, token: string, body?: unknown) {
  const base = plan.urls[turn++ % plan.urls.length];
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status >= 500 || (res.status >= 400 && res.status !== 409))
      unexpected.push(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return { status: res.status, json: res.status < 300 ? JSON.parse(text) : null };
  } catch (error) {
    statuses.no_answer = (statuses.no_answer ?? 0) + 1;
    unexpected.push(`${method} ${path}: no answer (${(error as Error).message})`);
    return { status: 0, json: null };
  }
}

const myRedemptions: string[] = [];
const myAppointments: string[] = [];
let day = 0;

async function redeemHot() {
  const r = await call(
    "POST",
    `/api/v1/packages/${plan.hot.packageId}/lines/${plan.hot.lineId}/redeem`,
    plan.frontDesk,
    {},
  );
  if (r.status === 200) {
    told.hotRedeemed++;
    myRedemptions.push(r.json.id);
  }
}

async function undoHot() {
  const id = myRedemptions.shift();
  if (!id) return redeemHot();
  const r = await call("POST", `/api/v1/movements/${id}/undo`, plan.manager, { reason: "soak" });
  if (r.status === 200) told.hotUndone++;
}

async function redeemOwnFifo() {
  const r = await call("POST", `/api/v1/customers/${plan.own.customerId}/redemptions`, plan.frontDesk, {
    itemId: plan.manicure,
  });
  if (r.status === 200) {
    if (r.json.lineId !== plan.own.lineId) unexpected.push(`FIFO took line ${r.json.lineId}`);
    told.ownUsed++;
  }
}

async function book() {
  day++;
  const startAt = new Date(Date.UTC(2027, 0, 1 + (day % 300), 8 + (plan.client % 8))).toISOString();
  const r = await call("POST", "/api/v1/appointments", plan.frontDesk, {
    customerId: plan.own.customerId,
    staffId: plan.staffId,
    startAt,
    services: [{ itemId: plan.manicure, usePackage: true }],
    allowOverlap: true,
  });
  if (r.status === 201) {
    if (r.json.services[0].fromPackage?.packageLineId !== plan.own.lineId)
      unexpected.push(`booking not from the client's package: ${JSON.stringify(r.json.services[0])}`);
    told.ownBooked++;
    myAppointments.push(r.json.id);
  }
}

async function cancel() {
  const id = myAppointments.shift();
  if (!id) return book();
  const r = await call("POST", `/api/v1/appointments/${id}/cancel`, plan.frontDesk, {});
  if (r.status === 200) told.ownBooked--;
}

async function ticket() {
  const t = await call("POST", "/api/v1/tickets", plan.frontDesk, { customerId: plan.own.customerId });
  if (t.status !== 201) return;
  const withLine = await call("POST", `/api/v1/tickets/${t.json.id}/lines`, plan.frontDesk, {
    itemId: plan.manicure,
  });
  if (withLine.status !== 201) return;
  const line = withLine.json.lines[0];
  if (!line.covered || line.coverage.packageLineId !== plan.own.lineId) {
    unexpected.push(`ticket line not covered by the client's package: ${JSON.stringify(line.coverage)}`);
    return;
  }
  told.ownBooked++;
  if (random() < 0.25) {
    const v = await call("POST", `/api/v1/tickets/${t.json.id}/void`, plan.frontDesk, {});
    if (v.status === 200) told.ownBooked--;
  } else {
    const c = await call("POST", `/api/v1/tickets/${t.json.id}/close`, plan.frontDesk, {});
    if (c.status === 200) {
      told.ownBooked--;
      told.ownUsed++;
    }
  }
}

const pickRefundable = () => plan.refundable[Math.floor(random() * plan.refundable.length)]!;

async function redeemRefundable() {
  const pkg = pickRefundable();
  const r = await call(
    "POST",
    `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`,
    plan.frontDesk,
    {},
  );
  if (r.status === 200)
    told.refundableRedeemed[pkg.packageId] = (told.refundableRedeemed[pkg.packageId] ?? 0) + 1;
}

async function refund() {
  const pkg = pickRefundable();
  const kind = random() < 0.5 ? "money" : "store_credit";
  const r = await call("POST", `/api/v1/packages/${pkg.packageId}/refund`, plan.manager, { kind });
  if (r.status === 200)
    told.refunds.push({ packageId: pkg.packageId, kind, amountMinor: r.json.refundMinor });
}

const OPS: Array<[number, () => Promise<unknown>]> = [
  [26, redeemHot],
  [9, undoHot],
  [13, redeemOwnFifo],
  [17, book],
  [9, cancel],
  [13, ticket],
  [8, redeemRefundable],
  [5, refund],
];

const ends = Date.now() + plan.durationMs;
let operations = 0;
while (Date.now() < ends && operations < 100_000) {
  let pick = random() * 100;
  for (const [weight, op] of OPS) {
    pick -= weight;
    if (pick < 0) {
      await op();
      break;
    }
  }
  operations++;
}
console.log(
  JSON.stringify({ client: plan.client, operations, told, statuses, unexpected: unexpected.slice(0, 20) }),
);
