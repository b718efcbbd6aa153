-- P8: a package is refunded once, whatever races it. The refund itself marks the package with a
-- guard (refunded_at IS NULL) in the statement; this table is the database's own rule behind it:
-- one row per refunded package (its primary key), append-only, with what went back and how. A
-- store-credit refund's credit movement is written in the same transaction, so a second refund
-- cannot pay twice without a second row here, which the key refuses.
CREATE TABLE package_refunds (
  business_id uuid NOT NULL,
  package_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('money', 'store_credit')),
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  currency char(3) NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor_staff_id uuid,
  reason text CHECK (length(reason) <= 500),
  PRIMARY KEY (business_id, package_id),
  FOREIGN KEY (business_id, package_id) REFERENCES customer_packages (business_id, id),
  FOREIGN KEY (business_id, customer_id) REFERENCES customers (business_id, id)
);

CREATE TRIGGER package_refunds_append_only BEFORE UPDATE OR DELETE ON package_refunds
  FOR EACH ROW EXECUTE FUNCTION carnet_refuse_history_edit();
CREATE TRIGGER package_refunds_no_truncate BEFORE TRUNCATE ON package_refunds
  FOR EACH STATEMENT EXECUTE FUNCTION carnet_refuse_history_edit();
CREATE TRIGGER store_credit_movements_no_truncate BEFORE TRUNCATE ON store_credit_movements
  FOR EACH STATEMENT EXECUTE FUNCTION carnet_refuse_history_edit();

-- Refunds made before this rule: one row each, from what the package recorded.
INSERT INTO package_refunds
  (business_id, package_id, customer_id, kind, amount_minor, currency, occurred_at, actor_staff_id, reason)
SELECT p.business_id, p.id, p.customer_id, coalesce(p.refund_kind, 'money'), coalesce(p.refund_minor, 0),
       p.currency, p.refunded_at, NULL, NULL
  FROM customer_packages p
 WHERE p.refunded_at IS NOT NULL;

-- What goes back is the worth of the free credits, which is never more than what was paid.
ALTER TABLE customer_packages
  ADD CONSTRAINT refund_within_price CHECK (refund_minor IS NULL OR refund_minor <= price_minor),
  ADD CONSTRAINT refund_recorded_whole CHECK (
    (refunded_at IS NULL) = (refund_kind IS NULL) AND (refunded_at IS NULL) = (refund_minor IS NULL));
