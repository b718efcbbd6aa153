// The Catalog screen for owners and managers (O3, O4): services, products, class types, packages and
// courses, locations and commission rates. The tab is in the URL (/catalog?tab=templates), so the
// start page and other screens can link straight to one.
import { Select, Stack, Tabs, Title } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useSession } from "../auth/session.js";
import { CommissionRatesTab } from "./CommissionRatesTab.js";
import { ItemsTab } from "./ItemsTab.js";
import { LocationsTab } from "./LocationsTab.js";
import { TemplatesTab } from "./TemplatesTab.js";

const TABS = ["services", "products", "classes", "templates", "locations", "commission"] as const;
type Tab = (typeof TABS)[number];

export function CatalogPage() {
  const { t } = useTranslation("catalog");
  const { can } = useSession();
  const mobile = useMediaQuery("(max-width: 36em)");
  const [params, setParams] = useSearchParams();
  const tabs = TABS.filter((tab) => tab !== "commission" || can("view_reports"));
  const asked = params.get("tab");
  const tab: Tab = tabs.find((tab) => tab === asked) ?? "services";
  const choose = (value: string | null) => {
    if (value) setParams({ tab: value }, { replace: true });
  };

  return (
    <Stack>
      <Title order={2}>{t("title")}</Title>
      <Tabs value={tab} onChange={choose} keepMounted={false}>
        {mobile ? (
          // Six tabs do not fit 390 px side by side: a list to pick from instead.
          <Select
            aria-label={t("section")}
            data={tabs.map((tab) => ({ value: tab, label: t(`tabs.${tab}`) }))}
            value={tab}
            onChange={choose}
            allowDeselect={false}
          />
        ) : (
          <Tabs.List>
            {tabs.map((tab) => (
              <Tabs.Tab key={tab} value={tab}>
                {t(`tabs.${tab}`)}
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
