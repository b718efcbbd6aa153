-- O5: packages a customer bought in another system, brought into the ledger as they stand.
--
-- An imported line enters with two movements, written in the same transaction as the line and its
-- counters: `import` (total += n: the credits the customer bought there) and `import_used` (used +=
-- n: the credits already used there). A movement keeps one quantity, and these are two facts with
-- two different effects, so they are two movements, each as plain as `grant` and `redeem`: `carnet
-- verify` sums them like the others. `import_used` is worth 0 in Carnet: those credits earned their
-- value in the old system, so the revenue report (R5) never counts them, while the free ones still
-- owe their share of the price paid (R1). The credits are numbered in order of use, so the next
-- credit used here is worth what credit number used + 1 is worth.
ALTER DOMAIN carnet_movement_kind DROP CONSTRAINT movement_kind_known;
ALTER DOMAIN carnet_movement_kind ADD CONSTRAINT movement_kind_known CHECK (VALUE IN
  ('grant', 'add', 'deduct', 'reserve', 'release', 'consume', 'redeem', 'restore', 'expire', 'unexpire',
   'import', 'import_used'));

-- The key of the file's row (or rows) a package came from: the file's own package reference, or a
-- hash of the row. Importing the same file again finds its keys here and creates nothing; the
-- unique index is the database's word on it, whatever races it.
ALTER TABLE customer_packages
  ADD COLUMN import_key text CHECK (length(import_key) BETWEEN 1 AND 300);
CREATE UNIQUE INDEX customer_packages_import_key ON customer_packages (business_id, import_key)
  WHERE import_key IS NOT NULL;

-- A package imported by its items alone (the old system's package has no template here) still
-- needs a template: every report groups by one. Each business gets one template, made retired and
-- without items (so it cannot be sold), that holds such packages.
ALTER TABLE package_templates ADD COLUMN holds_imports boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX package_templates_import_holder ON package_templates (business_id)
  WHERE holds_imports;
