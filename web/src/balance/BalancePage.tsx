// R4: the customer's own read-only balance page, reached by their private link. No sign-in. A link
// that staff replaced or turned off answers like a wrong one. U2: the page speaks the customer's
// language (or the business's), and formats dates as the location their packages are from (U1).
import { Alert, Card, Center, Container, Loader, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import type { Balance } from "../api/types.js";
import { api } from "../api.js";
import { localDate, setFormatLocale } from "../format.js";
import { switchLanguage } from "../i18n/index.js";

export function BalancePage() {
  const { t } = useTranslation("balance");
  const { token } = useParams<{ token: string }>();
  const balance = useQuery({
    queryKey: ["balance", token],
    queryFn: async () => {
      const b = await api.get<Balance>(`/api/v1/public/balance/${encodeURIComponent(token ?? "")}`);
      // Speak the customer's language before the page shows: no English flash.
      await switchLanguage(b.language);
      setFormatLocale(b.language, b.locale);
      return b;
    },
    retry: false,
    refetchOnWindowFocus: false,
  });
  if (balance.error) {
    return (
      <Container size="xs" py="xl">
        <Alert color="gray" title={t("invalidTitle")} data-testid="balance-error">
          {t("invalid")}
        </Alert>
      </Container>
    );
  }
  const b = balance.data;
  if (!b) {
    return (
      <Center mih="60vh">
        <Loader aria-label={t("loading")} />
      </Center>
    );
  }
  const first = b.customerName.split(" ")[0];
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Text c="dimmed">{b.businessName}</Text>
        <Title order={1}>{t("hello", { name: first })}</Title>
        {b.packages.length === 0 && <Text>{t("none")}</Text>}
        {b.packages.map((p) => (
          <Card withBorder key={p.id} data-testid="balance-package">
            <Title order={3} size="h4">
              {p.name}
            </Title>
            <Text size="sm" c="dimmed">
              {[
                p.expiresOn ? t("validUntil", { date: localDate(p.expiresOn) }) : t("noExpiry"),
                p.locationName ? t("boughtAt", { location: p.locationName }) : null,
              ]
                .filter(Boolean)
                .join(" · ")}
            </Text>
            <Stack gap={4} mt="sm">
              {p.lines.map((l) => (
                <Text key={l.itemName} data-testid="balance-line">
                  {l.itemName}:{" "}
                  <b>
                    {l.unlimited ? t("unlimited") : t("left", { remaining: l.remaining, total: l.total })}
                  </b>
                  {!l.unlimited && l.booked > 0 ? ` ${t("booked", { count: l.booked })}` : ""}
                </Text>
              ))}
            </Stack>
          </Card>
        ))}
      </Stack>
    </Container>
  );
}
