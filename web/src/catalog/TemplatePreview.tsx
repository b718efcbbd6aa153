// O3: what one credit of each item of the template being edited will be worth, per currency, as the
// sale will compute it (the price shared by retail price × credits; the rounding remainder on the
// last credit). Asked of the server as the form changes, a moment after the typing stops.
import { Alert, Card, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TemplatePreview as Preview } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { money } from "../format.js";
import { type CommissionBasis, readableLines, readPrices } from "./catalog-form.js";

export function TemplatePreview({
  lines,
  prices,
  basis,
}: {
  lines: Array<{ itemId: string | null; credits: number | string }>;
  prices: Record<string, string>;
  basis: CommissionBasis;
}) {
  const { t } = useTranslation("catalog");
  const body = JSON.stringify({ prices: readPrices(prices).prices, items: readableLines(lines) });
  const [asked] = useDebouncedValue(body, 350);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    const request = JSON.parse(asked) as { prices: Record<string, number>; items: unknown[] };
    if (request.items.length === 0 || Object.keys(request.prices).length === 0) {
      setPreview(null);
      setError(null);
      return;
    }
    let current = true;
    setLoading(true);
    // The preview writes nothing: no Idempotency-Key needed, but a fresh one does no harm.
    api.post<Preview>("/api/v1/templates/preview", request).then(
      (p) => {
        if (!current) return;
        setPreview(p);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (!current) return;
        setError(plainWords(e));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [asked]);

  const stale = asked !== body || loading;
  return (
    <Card withBorder bg="gray.0" data-testid="template-preview" aria-live="polite" aria-busy={stale}>
      <Stack gap="xs">
        <Title order={5}>{t("preview.title")}</Title>
        {!preview && !error && (
          <Text size="sm" c="dimmed">
            {t("preview.empty")}
          </Text>
        )}
        {error && <Alert color="red">{error}</Alert>}
        {preview && (
          <>
            <Text size="sm" c="dimmed">
              {t("preview.shared")} {stale && <Loader size="xs" aria-label={t("preview.updating")} />}
            </Text>
            {preview.currencies.map((c) => (
              <div key={c.currency}>
                <Table data-testid={`preview-${c.currency}`} verticalSpacing={4}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t("preview.item", { currency: c.currency })}</Table.Th>
                      <Table.Th ta="right">{t("preview.credits")}</Table.Th>
                      <Table.Th ta="right">{t("preview.oneCredit")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {c.lines.map((l) => (
                      <Table.Tr key={l.itemId}>
                        <Table.Td>
                          {l.itemName}
                          <Text size="xs" c="dimmed">
                            {l.retailPriceMinor === null
                              ? t("preview.noPriceIn", { currency: c.currency })
                              : t("preview.retail", { price: money(l.retailPriceMinor, c.currency) })}
                          </Text>
                        </Table.Td>
                        <Table.Td ta="right">{l.quantity}</Table.Td>
                        <Table.Td ta="right" data-testid="credit-value">
                          {money(l.creditMinor, c.currency)}
                          {l.lastCreditMinor !== l.creditMinor && (
                            <Text span size="xs" c="dimmed" display="block">
                              {t("preview.last", { price: money(l.lastCreditMinor, c.currency) })}
                            </Text>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                <Text size="xs" c="dimmed" mt={4}>
                  {t("preview.total", {
                    price: money(c.priceMinor, c.currency),
                    count: preview.totalCredits,
                  })}
                  {basis === "package_price_per_credit"
                    ? t("preview.commissionPerCredit", {
                        price: money(c.packagePricePerCredit.creditMinor, c.currency),
                      })
                    : t("preview.commissionRetail")}
                  {c.lines.some((l) => l.retailPriceMinor === null) &&
                    ` ${t("preview.noShare", { currency: c.currency })}`}
                </Text>
              </div>
            ))}
          </>
        )}
      </Stack>
    </Card>
  );
}
