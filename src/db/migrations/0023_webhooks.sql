-- W3: webhooks. A business registers endpoints; every change it subscribes to is written, in the
-- change's own transaction, as an event with one delivery per subscribed endpoint (the outbox). A
-- worker claims due deliveries (FOR UPDATE SKIP LOCKED, leased by next_attempt_at), posts them
-- signed, and keeps the last attempt's outcome on the delivery.

CREATE TABLE webhook_endpoints (
  business_id uuid NOT NULL REFERENCES businesses (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  events text[] NOT NULL CHECK (cardinality(events) > 0),
  -- Standard Webhooks secrets (whsec_<base64>). After a rotation the previous one keeps signing
  -- beside the new one until previous_secret_until, so receivers can switch without a gap.
  secret text NOT NULL,
  previous_secret text,
  previous_secret_until timestamptz,
  enabled boolean NOT NULL DEFAULT true,
  disabled_reason text,
  -- since when every attempt has failed (null while the endpoint answers); three days of it disables it
  failing_since timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id),
  CHECK ((previous_secret IS NULL) = (previous_secret_until IS NULL))
);
-- The hot paths ask "does any enabled endpoint of this business want this event?"
CREATE INDEX webhook_endpoints_enabled ON webhook_endpoints (business_id) WHERE enabled;

CREATE TABLE webhook_events (
  business_id uuid NOT NULL REFERENCES businesses (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  type text NOT NULL,
  data jsonb NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id)
);

CREATE TABLE webhook_deliveries (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  event_id uuid NOT NULL,
  endpoint_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_duration_ms integer,
  last_response text,
  last_error text,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, event_id) REFERENCES webhook_events (business_id, id) ON DELETE CASCADE,
  FOREIGN KEY (business_id, endpoint_id) REFERENCES webhook_endpoints (business_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
-- the delivery log of one endpoint, newest first, by cursor
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (business_id, endpoint_id, created_at DESC, id DESC);
