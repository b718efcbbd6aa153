// The Catalog screen for owners and managers (O3, O4): services, products, class types, packages and
// courses, locations and commission rates. The tab is in the URL (/catalog?tab=templates), so the
// start page and other screens can link straight to one.
import { Select, Stack, Tabs, Title } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useSearchParams } from "react-router";
import { useSession } from "../auth/session.js";
import { CommissionRatesTab } from "./CommissionRatesTab.js";
import { ItemsTab } from "./ItemsTab.js";
import { LocationsTab } from "./LocationsTab.js";
import { TemplatesTab } from "./TemplatesTab.js";

const TABS = [
  { value: "services", label: "Services" },
  { value: "products", label: "Products" },
  { value: "classes", label: "Class types" },
  { value: "templates", label: "Packages & courses" },
  { value: "locations", label: "Locations" },
  { value: "commission", label: "Commission rates" },
] as const;
type Tab = (typeof TABS)[number]["value"];

export function CatalogPage() {
  const { can } = useSession();
  const mobile = useMediaQuery("(max-width: 36em)");
  const [params, setParams] = useSearchParams();
  const tabs = TABS.filter((t) => t.value !== "commission" || can("view_reports"));
  const asked = params.get("tab");
  const tab: Tab = tabs.find((t) => t.value === asked)?.value ?? "services";
  const choose = (value: string | null) => {
    if (value) setParams({ tab: value }, { replace: true });
  };

  return (
    <Stack>
      <Title order={2}>Catalog</Title>
      <Tabs value={tab} onChange={choose} keepMounted={false}>
        {mobile ? (
          // Six tabs do not fit 390 px side by side: a list to pick from instead.
          <Select
            aria-label="Catalog section"
            data={tabs.map((t) => ({ value: t.value, label: t.label }))}
            value={tab}
            onChange={choose}
            allowDeselect={false}
          />
        ) : (
          <Tabs.List>
            {tabs.map((t) => (
              <Tabs.Tab key={t.value} value={t.value}>
                {t.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        )}
        <Tabs.Panel value="services" pt="md">
          <ItemsTab kind="service" />
        </Tabs.Panel>
        <Tabs.Panel value="products" pt="md">
          <ItemsTab kind="product" />
        </Tabs.Panel>
        <Tabs.Panel value="classes" pt="md">
          <ItemsTab kind="class_type" />
        </Tabs.Panel>
        <Tabs.Panel value="templates" pt="md">
          <TemplatesTab />
        </Tabs.Panel>
        <Tabs.Panel value="locations" pt="md">
          <LocationsTab />
        </Tabs.Panel>
        <Tabs.Panel value="commission" pt="md">
          <CommissionRatesTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
