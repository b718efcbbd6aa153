// U1, U2: where people choose a language or a locale: a staff member their own (the account menu),
// the front desk a customer's, the owner a location's date and time format. Languages are the folders
// of locales/ (LANGUAGES), each named in its own words ("Magyar"); locales are named in the screen's.
import { Menu, Select } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { Customer } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { LANGUAGES, languageName, switchLanguage } from "../i18n/index.js";

/** The value a Select holds for "no language of one's own: the business's". */
const BUSINESS = "";

/**
 * The account menu's languages: choosing one saves it as the staff member's own and switches the
 * screen at once; the session is then read again so dates and clocks follow (setFormatLocale).
 */
export function LanguageMenuItems() {
  const { t } = useTranslation("languages");
  const me = useMe();
  const { refresh } = useSession();
  const choose = useMutation({
    mutationFn: (language: string | null) => api.patch("/api/v1/auth/me", { language }),
    onMutate: (language) => switchLanguage(language ?? me.business.language),
    onSuccess: () => refresh(),
    onError: (e) => {
      void switchLanguage(me.staff.language ?? me.business.language);
      notifications.show({ color: "red", message: plainWords(e) });
    },
  });
  const own = me.staff.language;
  const item = (language: string | null, label: string) => {
    const current = own === language;
    return (
      <Menu.Item
        key={language ?? BUSINESS}
        lang={language ?? undefined}
        aria-current={current ? "true" : undefined}
        fw={current ? 700 : undefined}
        rightSection={current ? "✓" : undefined}
        onClick={() => !current && choose.mutate(language)}
        data-testid={`language-${language ?? "business"}`}
      >
        {label}
      </Menu.Item>
    );
  };
  return (
    <>
      <Menu.Label>{t("menu.label")}</Menu.Label>
      {LANGUAGES.map((l) => item(l, languageName(l)))}
      {item(null, t("menu.business", { language: languageName(me.business.language) }))}
      <Menu.Divider />
    </>
  );
}

/** A customer's language for a form: "" is the business's. */
export function CustomerLanguageSelect({
  value,
  onChange,
}: {
  value: string;
  onChange: (language: string) => void;
}) {
  const { t } = useTranslation("languages");
  const me = useMe();
  return (
    <Select
      label={t("customer.label")}
      description={t("customer.description")}
      allowDeselect={false}
      data={[
        { value: BUSINESS, label: t("customer.business", { language: languageName(me.business.language) }) },
        ...LANGUAGES.map((l) => ({ value: l, label: languageName(l) })),
      ]}
      value={value}
      onChange={(v) => onChange(v ?? BUSINESS)}
      data-testid="customer-language"
    />
  );
}

/** The customer's language on their profile, saved as it is chosen. */
export function CustomerLanguageField({ customer }: { customer: Customer }) {
  const { t } = useTranslation("languages");
  const me = useMe();
  const { can } = useSession();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (language: string | null) =>
      api.patch<Customer>(`/api/v1/customers/${customer.id}`, { language }),
    onSuccess: (c) => {
      queryClient.setQueryData(["customers", c.id], c);
      void queryClient.invalidateQueries({ queryKey: ["customers", "list"] });
      notifications.show({
        color: "green",
        message: t("customer.saved", {
          name: c.name,
          language: languageName(c.language ?? me.business.language),
        }),
      });
    },
    onError: (e) => notifications.show({ color: "red", message: plainWords(e) }),
  });
  if (!can("manage_customers")) return null;
  return (
    <CustomerLanguageSelect
      value={customer.language ?? BUSINESS}
      onChange={(v) => save.mutate(v === BUSINESS ? null : v)}
    />
  );
}

/** Language and region tags a location may read in; the location's own is added when not listed. */
const LOCALES = [
  "hu-HU",
  "en-GB",
  "en-US",
  "en-IE",
  "en-CA",
  "en-AU",
  "de-DE",
  "de-AT",
  "de-CH",
  "fr-FR",
  "it-IT",
  "es-ES",
  "nl-NL",
  "pl-PL",
  "cs-CZ",
  "sk-SK",
  "sl-SI",
  "hr-HR",
  "ro-RO",
  "pt-PT",
  "sv-SE",
];

/** A location's locale; "" leaves it to the server, which takes it from the time zone. */
export function LocaleSelect({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (locale: string) => void;
  error?: React.ReactNode;
}) {
  const { t, i18n } = useTranslation("languages");
  const names = new Intl.DisplayNames([i18n.language], { type: "language" });
  const tags = value && !LOCALES.includes(value) ? [value, ...LOCALES] : LOCALES;
  return (
    <Select
      label={t("location.label")}
      description={t("location.description")}
      placeholder={t("location.fromZone")}
      searchable
      clearable
      data={tags.map((tag) => ({ value: tag, label: `${names.of(tag) ?? tag} · ${tag}` }))}
      value={value || null}
      onChange={(v) => onChange(v ?? "")}
      error={error}
      data-testid="location-locale"
    />
  );
}
