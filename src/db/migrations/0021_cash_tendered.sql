-- U5: the close step asks how much cash the customer handed over, so the receipt can say what was
-- given and what change went back. Only cash is handed over; what it pays is never more than what
-- was given. Paid-back rows (negative amounts) have nothing handed over.
ALTER TABLE ticket_payments
  ADD COLUMN tendered_minor bigint
    CHECK (tendered_minor IS NULL OR (tender = 'cash' AND amount_minor > 0 AND tendered_minor >= amount_minor));
