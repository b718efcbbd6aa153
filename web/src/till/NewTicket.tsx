// A new ticket: first who it is for (a customer, or a walk-in), then its first line; the ticket is
// opened with that line in one request, so leaving this page leaves nothing behind (T1). A package
// sold as a gift (G2) is added right after the ticket opens (opening takes no gift), and the ticket
// is shown either way, with what went wrong when the gift could not be added.
import { Alert, Anchor, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import type { Customer, Ticket } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { customerKey } from "../packages/queries.js";
import { AddToTicket, type NewLine } from "./AddToTicket.js";
import { CustomerPicker } from "./CustomerPicker.js";
import { ticketEdited } from "./queries.js";

type For = { customer: { id: string; name: string } | null } | null;

export function NewTicket() {
  const { t } = useTranslation("till");
  const { can } = useSession();
  const me = useMe();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const customerId = params.get("customerId");
  const given = useQuery({
    queryKey: customerKey(customerId ?? ""),
    queryFn: () => api.get<Customer>(`/api/v1/customers/${customerId}`),
    enabled: customerId !== null,
  });
  // undefined: nothing chosen here yet (the customer of the link, if any); null: ask again.
  const [chosen, setChosen] = useState<For | undefined>(undefined);
  const fromLink: For = given.data ? { customer: { id: given.data.id, name: given.data.name } } : null;
  const who: For = chosen === undefined ? fromLink : chosen;
  const open = useMutation({
    mutationFn: async (line: NewLine & { serviceDate?: string }) => {
      const customer = who?.customer ? { customerId: who.customer.id } : {};
      if (!("giftToCustomerId" in line && line.giftToCustomerId))
        return api.post<Ticket>("/api/v1/tickets", { ...customer, line });
      const ticket = await api.post<Ticket>("/api/v1/tickets", customer);
      try {
        return await api.post<Ticket>(`/api/v1/tickets/${ticket.id}/lines`, line);
      } catch (e) {
        // the ticket is open: show it, and why the gift is not on it
        notifications.show({ color: "red", message: plainWords(e) });
        return ticket;
      }
    },
    onSuccess: (ticket) => {
      ticketEdited(ticket);
      navigate(`/tickets/${ticket.id}`, { replace: true });
    },
  });

  if (!can("sell_package"))
    return (
      <Stack maw={600}>
        <Title order={2}>{t("new.title")}</Title>
        <Alert color="gray" data-testid="not-allowed">
          {t("new.notAllowed")}
        </Alert>
      </Stack>
    );

  return (
    <Stack maw={1200}>
      <Group gap="xs" wrap="wrap">
        <Anchor component={Link} to="/till" size="sm">
          {t("ticket.backToTill")}
        </Anchor>
        <Title order={2}>{t("new.title")}</Title>
        <Text c="dimmed" size="sm">
          {me.location.name}
        </Text>
      </Group>
      {!who ? (
        <Card withBorder maw={560} data-testid="new-ticket-who">
          <Stack>
            <Text fw={600}>{t("new.who")}</Text>
            {customerId && given.isLoading ? (
              <Text c="dimmed">{t("new.loadingCustomer")}</Text>
            ) : (
              <CustomerPicker value={null} autoFocus onChange={(c) => c && setChosen({ customer: c })} />
            )}
            <Group>
              <Button variant="default" onClick={() => setChosen({ customer: null })}>
                {t("new.walkIn")}
              </Button>
            </Group>
          </Stack>
        </Card>
      ) : (
        <>
          <Group gap="xs" data-testid="new-ticket-for">
            <Text>
              {who.customer ? t("new.forCustomer", { name: who.customer.name }) : t("new.forWalkIn")}
            </Text>
            <Button
              size="compact-sm"
              variant="subtle"
              onClick={() => setChosen(null)}
              disabled={open.isPending}
            >
              {t("new.change")}
            </Button>
          </Group>
          <Text c="dimmed" size="sm">
            {t("new.firstLine")}
          </Text>
          {open.error && <Alert color="red">{plainWords(open.error)}</Alert>}
          <AddToTicket
            currency={me.location.currency}
            customerId={who.customer?.id ?? null}
            busy={open.isPending}
            onAdd={(line) => open.mutate(line)}
          />
        </>
      )}
    </Stack>
  );
}
