-- G2 (issue 20): a package sold to one customer for another. The recipient owns it (customer_id: it
-- is hers to book and redeem, and its liability sits with it); the payer is remembered, with the
-- message for the receipt and the e-mail the recipient gets. At the till the gift is said on the
-- sale line, whose ticket is the payer's.
ALTER TABLE customer_packages
  ADD COLUMN gift_from_customer_id uuid,
  ADD COLUMN gift_message text CHECK (length(gift_message) BETWEEN 1 AND 500),
  ADD FOREIGN KEY (business_id, gift_from_customer_id) REFERENCES customers (business_id, id),
  ADD CHECK (gift_from_customer_id IS DISTINCT FROM customer_id);

ALTER TABLE ticket_lines
  ADD COLUMN gift_to_customer_id uuid,
  ADD COLUMN gift_message text CHECK (length(gift_message) BETWEEN 1 AND 500),
  ADD FOREIGN KEY (business_id, gift_to_customer_id) REFERENCES customers (business_id, id),
  ADD CHECK (gift_to_customer_id IS NULL OR kind = 'package_sale'),
  ADD CHECK (gift_message IS NULL OR gift_to_customer_id IS NOT NULL);
