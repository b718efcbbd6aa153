-- The till (T1–T10): tickets with lines, payments, and commissions.

CREATE TABLE tickets (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  number bigint GENERATED ALWAYS AS IDENTITY,
  location_id uuid NOT NULL,
  customer_id uuid,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'voided', 'refunded')),
  currency char(3) NOT NULL,
  time_zone text NOT NULL,
  opened_by uuid NOT NULL,
  opened_at timestamptz NOT NULL,
  closed_by uuid,
  closed_at timestamptz,
  voided_at timestamptz,
  void_reason text,
  total_minor bigint CHECK (total_minor >= 0),
  tax_minor bigint CHECK (tax_minor >= 0),
  appointment_id uuid,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, location_id) REFERENCES locations (business_id, id),
  FOREIGN KEY (business_id, customer_id) REFERENCES customers (business_id, id)
);
CREATE INDEX tickets_open ON tickets (business_id, location_id, opened_at DESC) WHERE status = 'open';
CREATE INDEX tickets_customer ON tickets (business_id, customer_id, opened_at DESC);

CREATE TABLE ticket_lines (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  ticket_id uuid NOT NULL,
  position integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('service', 'product', 'class_type', 'package_sale')),
  item_id uuid,
  template_id uuid,
  name text NOT NULL,
  retail_price_minor bigint NOT NULL CHECK (retail_price_minor >= 0),
  tax_rate_bp integer NOT NULL DEFAULT 0,
  sell_to_clients boolean NOT NULL DEFAULT true,
  commission_eligible boolean NOT NULL DEFAULT true,
  service_date date NOT NULL,
  staff_id uuid,
  -- auto: the rules decide; paying: staff chose to charge; pinned: staff chose the package line
  coverage_mode text NOT NULL DEFAULT 'auto' CHECK (coverage_mode IN ('auto', 'paying', 'pinned')),
  pinned_package_line_id uuid,
  coverage_reason text,
  package_line_id uuid, -- the package line whose credit covers this line
  covered_by_sale_line_id uuid, -- covered by a package sold on this same ticket (created at close)
  reservation_id uuid, -- the reserve movement holding that credit
  consumed_movement_id uuid,
  charged_minor bigint CHECK (charged_minor >= 0), -- fixed at close
  tax_minor bigint CHECK (tax_minor >= 0),
  commission_minor bigint,
  sold_package_id uuid, -- a package sale line: the package created at close
  refunded_at timestamptz,
  refunded_minor bigint,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, ticket_id) REFERENCES tickets (business_id, id),
  CHECK ((kind = 'package_sale') = (template_id IS NOT NULL)),
  CHECK ((kind = 'package_sale') = (item_id IS NULL))
);
CREATE INDEX ticket_lines_ticket ON ticket_lines (business_id, ticket_id, position);
CREATE INDEX ticket_lines_staff ON ticket_lines (business_id, staff_id);

CREATE TABLE ticket_payments (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  ticket_id uuid NOT NULL,
  tender text NOT NULL CHECK (tender IN ('cash', 'card', 'store_credit')),
  amount_minor bigint NOT NULL CHECK (amount_minor <> 0), -- negative = paid back on a refund
  occurred_at timestamptz NOT NULL,
  actor_staff_id uuid,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, ticket_id) REFERENCES tickets (business_id, id)
);
CREATE INDEX ticket_payments_ticket ON ticket_payments (business_id, ticket_id);
