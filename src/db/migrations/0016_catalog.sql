-- O3, O4: the catalog on screen, locations with an address, and commission rates.

-- An item's category is free text of the business ("Nails", "Hair", "Retail"): the screen suggests
-- the ones in use, and an item saved as "nails" takes the spelling already in use ("Nails"), so that
-- a commission rate per category meets every item of it. NULL = no category.
ALTER TABLE items ADD COLUMN category text CHECK (length(category) BETWEEN 1 AND 100);
CREATE INDEX items_category ON items (business_id, lower(category)) WHERE category IS NOT NULL;

-- IF NOT EXISTS: creating a business with its first location may have added the column already.
ALTER TABLE locations ADD COLUMN IF NOT EXISTS address text CHECK (length(address) <= 500);

-- A staff member's commission, in basis points of the commission base (1250 = 12.5 %), for one item
-- category or, with category NULL, for everything else they earn on. Changing a rate changes the
-- row (the activity log keeps from → to); lines already closed keep the rate they were closed with.
CREATE TABLE commission_rates (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  staff_id uuid NOT NULL,
  category text CHECK (length(category) BETWEEN 1 AND 100),
  rate_bp integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, staff_id) REFERENCES staff (business_id, id)
);
-- One rate per staff member and category (letter case aside), and one without a category.
CREATE UNIQUE INDEX commission_rates_one_per_category
  ON commission_rates (business_id, staff_id, lower(coalesce(category, '')));

-- Frozen on each line when its ticket closes: the item's category then, the rate that applied (NULL
-- = none was set) and the amount owed, base × rate rounded half up in minor units. commission_minor
-- stays the base. Lines closed before this migration have none of them: no rate was set then.
ALTER TABLE ticket_lines
  ADD COLUMN commission_category text,
  ADD COLUMN commission_rate_bp integer CHECK (commission_rate_bp BETWEEN 0 AND 10000),
  ADD COLUMN commission_amount_minor bigint CHECK (commission_amount_minor >= 0);
