// W3: what a business can be told about, named `resource.action` as Standard Webhooks suggests.
export const WEBHOOK_EVENT_TYPES = [
  "package.sold",
  "package.redeemed",
  "package.redemption_reversed",
  "package.adjusted",
  "package.extended",
  "package.expired",
  "package.refunded",
  "package.transferred",
  "package.paused",
  "package.resumed",
  "appointment.booked",
  "appointment.cancelled",
  "appointment.no_show",
  "ticket.closed",
  "ticket.refunded",
  "class.enrolment.consumed",
  "customer.created",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
