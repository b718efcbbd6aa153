-- G3 (issue 20): a manager moves the free credits of a package, or of one line, to another
-- customer. The source line's bucket shrinks by a transfer_out movement (total −= n, taken from its
-- free credits) and the credits arrive in a new package of the recipient by a transfer_in movement
-- (total += n), both worth the same: the source line's top n credits (creditRangeValue), so the
-- liability moves between customers and its total stays. Undo writes the opposite pair, each
-- pointing (reverses_id) at the movement it reverses, while the credits are still free.
ALTER DOMAIN carnet_movement_kind DROP CONSTRAINT movement_kind_known;
ALTER DOMAIN carnet_movement_kind ADD CONSTRAINT movement_kind_known CHECK (VALUE IN
  ('grant', 'add', 'deduct', 'reserve', 'release', 'consume', 'redeem', 'restore', 'expire', 'unexpire',
   'import', 'import_used', 'transfer_out', 'transfer_in'));

-- restore and unexpire always point at what they reverse; a transfer does when it is an undo
ALTER TABLE movements DROP CONSTRAINT movements_check1;
ALTER TABLE movements ADD CONSTRAINT movements_reverses CHECK (
  CASE WHEN kind IN ('restore', 'unexpire') THEN reverses_id IS NOT NULL
       WHEN kind IN ('transfer_out', 'transfer_in') THEN true
       ELSE reverses_id IS NULL END);

-- The package a transfer created, and where its credits came from.
ALTER TABLE customer_packages ADD COLUMN transferred_from_package_id uuid,
  ADD FOREIGN KEY (business_id, transferred_from_package_id) REFERENCES customer_packages (business_id, id);

-- One row per line moved: the pair of movements it wrote. Append-only, like the ledger.
CREATE TABLE credit_transfers (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  out_movement_id uuid NOT NULL,
  in_movement_id uuid NOT NULL,
  from_package_id uuid NOT NULL,
  to_package_id uuid NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  value_minor bigint NOT NULL CHECK (value_minor >= 0),
  PRIMARY KEY (business_id, id),
  UNIQUE (business_id, out_movement_id),
  UNIQUE (business_id, in_movement_id),
  FOREIGN KEY (business_id, out_movement_id) REFERENCES movements (business_id, id),
  FOREIGN KEY (business_id, in_movement_id) REFERENCES movements (business_id, id),
  FOREIGN KEY (business_id, from_package_id) REFERENCES customer_packages (business_id, id),
  FOREIGN KEY (business_id, to_package_id) REFERENCES customer_packages (business_id, id)
);
CREATE INDEX credit_transfers_to ON credit_transfers (business_id, to_package_id);
CREATE INDEX credit_transfers_from ON credit_transfers (business_id, from_package_id);
CREATE TRIGGER credit_transfers_append_only BEFORE UPDATE OR DELETE ON credit_transfers
  FOR EACH ROW EXECUTE FUNCTION carnet_refuse_history_edit();
