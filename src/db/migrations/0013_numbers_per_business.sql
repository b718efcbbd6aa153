-- T1, T7: ticket and receipt numbers count per business. A global number told each business how many
-- tickets all the others had opened, and receipts must be numbered 1, 2, 3 … without a gap in each
-- business (a fiscal rule in many countries).
--
-- A ticket takes the next ticket number of its business when it is opened, and the next receipt
-- number when it is closed, each from the business's counter row here, updated in the ticket's own
-- transaction: the row lock makes the closes of one business take their numbers in turn, and a
-- close that rolls back gives its number back with the counter's update. Two rows per business, so
-- that opening tickets never waits for closing them. A voided ticket never takes a receipt number.
CREATE TABLE ticket_counters (
  business_id uuid NOT NULL REFERENCES businesses (id),
  kind text NOT NULL CHECK (kind IN ('ticket', 'receipt')),
  -- the last number given; a business's first number inserts the row with 1
  last_number bigint NOT NULL CHECK (last_number >= 1),
  PRIMARY KEY (business_id, kind)
);

ALTER TABLE tickets ALTER COLUMN number DROP IDENTITY;
ALTER TABLE tickets ALTER COLUMN number SET NOT NULL;
ALTER TABLE tickets ADD COLUMN receipt_number bigint;

-- Existing tickets: numbered per business in the order they were opened, the old global number
-- breaking ties; receipts in the order the tickets were closed.
UPDATE tickets t
   SET number = n.number
  FROM (SELECT business_id, id,
               row_number() OVER (PARTITION BY business_id ORDER BY opened_at, number) AS number
          FROM tickets) n
 WHERE t.business_id = n.business_id AND t.id = n.id;
UPDATE tickets t
   SET receipt_number = n.receipt_number
  FROM (SELECT business_id, id,
               row_number() OVER (PARTITION BY business_id ORDER BY closed_at, number) AS receipt_number
          FROM tickets WHERE status IN ('closed', 'refunded')) n
 WHERE t.business_id = n.business_id AND t.id = n.id;

INSERT INTO ticket_counters (business_id, kind, last_number)
SELECT business_id, 'ticket', max(number) FROM tickets GROUP BY business_id
UNION ALL
SELECT business_id, 'receipt', max(receipt_number) FROM tickets
 WHERE receipt_number IS NOT NULL GROUP BY business_id;

CREATE UNIQUE INDEX tickets_number ON tickets (business_id, number);
CREATE UNIQUE INDEX tickets_receipt_number ON tickets (business_id, receipt_number);
-- a closed ticket (and a refunded one, which was closed) has its receipt number; no other has one
ALTER TABLE tickets ADD CONSTRAINT tickets_receipt_when_closed
  CHECK ((receipt_number IS NOT NULL) = (status IN ('closed', 'refunded')));
