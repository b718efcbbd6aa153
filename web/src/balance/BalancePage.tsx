// R4: the customer's own read-only balance page, reached by their private link. No sign-in. A link
// that staff replaced or turned off answers like a wrong one.
import { Alert, Badge, Card, Center, Container, Loader, Stack, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { useParams } from "react-router";
import { api, plainWords } from "../api.js";
import { localDate } from "../format.js";

interface Balance {
  businessName: string;
  customerName: string;
  packages: Array<{
    id: string;
    name: string;
    expiresOn: string | null;
    locationName: string | null;
    lines: Array<{ itemName: string; remaining: number; booked: number; total: number; unlimited: boolean }>;
  }>;
}

const plural = (n: number, word: string) =>
  `${n} ${word.toLowerCase()}${n === 1 ? "" : word.endsWith("s") ? "es" : "s"}`;

export function BalancePage() {
  const { token } = useParams<{ token: string }>();
  const [balance, setBalance] = useState<Balance | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<Balance>(`/api/v1/public/balance/${encodeURIComponent(token ?? "")}`)
      .then(setBalance, (e) => setError(plainWords(e)));
  }, [token]);
  if (error) {
    return (
      <Container size="xs" py="xl">
        <Alert color="gray" title="Nothing to show" data-testid="balance-error">
          This balance link is not valid, or it was replaced by a newer one. Ask the front desk for a new
          link.
        </Alert>
      </Container>
    );
  }
  if (!balance) {
    return (
      <Center mih="60vh">
        <Loader />
      </Center>
    );
  }
  const first = balance.customerName.split(" ")[0];
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Text c="dimmed">{balance.businessName}</Text>
        <Title order={1}>Hello {first}!</Title>
        {balance.packages.length === 0 && <Text>You have no active packages right now.</Text>}
        {balance.packages.map((p) => (
          <Card withBorder key={p.id} data-testid="balance-package">
            <Title order={3} size="h4">
              {p.name}
            </Title>
            <Text size="sm" c="dimmed">
              {p.expiresOn ? `Valid until ${localDate(p.expiresOn)}` : "No expiry date"}
              {p.locationName ? ` · bought at ${p.locationName}` : ""}
            </Text>
            <Stack gap={4} mt="sm">
              {p.lines.map((l) => (
                <Text key={l.itemName} data-testid="balance-line">
                  {l.unlimited ? (
                    <>
                      Unlimited {l.itemName.toLowerCase()} <Badge size="sm">UNLIMITED</Badge>
                    </>
                  ) : (
                    <>
                      You have <b>{plural(l.remaining, l.itemName)}</b> left of {l.total}
                      {l.booked > 0 ? ` (and ${l.booked} booked)` : ""}
                    </>
                  )}
                </Text>
              ))}
            </Stack>
          </Card>
        ))}
      </Stack>
    </Container>
  );
}
