-- The balances CSV export walks a business's packages in order of sale, one page at a time.
CREATE INDEX customer_packages_sold ON customer_packages (business_id, purchased_at, id);
