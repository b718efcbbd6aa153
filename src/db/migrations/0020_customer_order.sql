-- U1: names listed in the order the location's people read them. In Budapest that is the Hungarian
-- alphabet: Á with A, Cs after C, Ö after O, Sz after S, Zs after Z (CLDR's standard Hungarian
-- collation); elsewhere the root order of Unicode, which already puts É with E.
--
-- PostgreSQL's ICU knows the Hungarian tailoring by the locale's name. The embedded database's ICU
-- accepts the name but carries only the root order (it put Ödön before Olga), so from PostgreSQL 16
-- on (PGlite is 18) the tailoring is also written out as rules: on a full ICU they restate what
-- hu-HU already says, on PGlite's they make it. A doubled digraph is the digraph twice ("Hosszú"
-- sorts as "Hoszszú"). PostgreSQL 15 has no `rules` and needs none.
-- Both orders are checked against Node's Intl.Collator("hu") in test/integration/customer-order.test.ts.
DO $$
DECLARE
  hungarian text := '&C<cs<<<Cs<<<CS &D<dz<<<Dz<<<DZ &DZ<dzs<<<Dzs<<<DZS &G<gy<<<Gy<<<GY '
    '&L<ly<<<Ly<<<LY &N<ny<<<Ny<<<NY &O<ö<<<Ö<<ő<<<Ő &S<sz<<<Sz<<<SZ &T<ty<<<Ty<<<TY '
    '&U<ü<<<Ü<<ű<<<Ű &Z<zs<<<Zs<<<ZS '
    '&cs<<<ccs/cs &Cs<<<Ccs/cs &CS<<<CCS/CS &dz<<<ddz/dz &Dz<<<Ddz/dz &DZ<<<DDZ/DZ '
    '&dzs<<<ddzs/dzs &Dzs<<<Ddzs/dzs &DZS<<<DDZS/DZS &gy<<<ggy/gy &Gy<<<Ggy/gy &GY<<<GGY/GY '
    '&ly<<<lly/ly &Ly<<<Lly/ly &LY<<<LLY/LY &ny<<<nny/ny &Ny<<<Nny/ny &NY<<<NNY/NY '
    '&sz<<<ssz/sz &Sz<<<Ssz/sz &SZ<<<SSZ/SZ &ty<<<tty/ty &Ty<<<Tty/ty &TY<<<TTY/TY '
    '&zs<<<zzs/zs &Zs<<<Zzs/zs &ZS<<<ZZS/ZS';
BEGIN
  IF current_setting('server_version_num')::int >= 160000 THEN
    EXECUTE format('CREATE COLLATION carnet_hu (provider = icu, locale = %L, rules = %L)', 'hu-HU', hungarian);
  ELSE
    CREATE COLLATION carnet_hu (provider = icu, locale = 'hu-HU');
  END IF;
END
$$;
CREATE COLLATION carnet_root (provider = icu, locale = 'und');

-- The customer list reads a page at a time in this order, after the last name and id it showed
-- (keyset): one index per order.
CREATE INDEX customers_order_hu ON customers (business_id, name COLLATE carnet_hu, id);
CREATE INDEX customers_order_root ON customers (business_id, name COLLATE carnet_root, id);
