// Add an attendee to a class (C1): an existing customer found by name, phone or e-mail, or a new one
// created on the spot. A package credit is booked for them when one can pay for the class.
import { Alert, Button, Card, Group, Select, SimpleGrid, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Customer } from "../api/types.js";
import { ApiError, api, query } from "../api.js";
import { useClassesChanged } from "./class-queries.js";
import { type ClassSession, useClassWords } from "./class-types.js";

export function AddAttendee({
  sessionId,
  full,
  canCreate,
}: {
  sessionId: string;
  full: boolean;
  canCreate: boolean;
}) {
  const { t } = useTranslation("classes");
  const words = useClassWords();
  const changed = useClassesChanged();
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 120);
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const found = useQuery({
    queryKey: ["customers", "search", debounced, 15],
    // a page of matches (W2); an older server answered with the list itself
    queryFn: () =>
      api
        .get<Customer[] | { items: Customer[] }>(`/api/v1/customers${query({ q: debounced, limit: 15 })}`)
        .then((r) => (Array.isArray(r) ? r : r.items)),
    enabled: debounced.length > 0,
    placeholderData: (previous) => previous,
  });
  const options = (debounced ? (found.data ?? []) : []).map((c) => ({
    value: c.id,
    label: c.phone ? `${c.name} · ${c.phone}` : c.name,
  }));

  const enrol = useMutation({
    mutationFn: (w: { body: unknown; done: () => void }) =>
      api.post<ClassSession>(`/api/v1/class-sessions/${sessionId}/enrolments`, w.body),
    onSuccess: (s, w) => {
      const added = s.roster[s.roster.length - 1];
      const who = added?.customer.name ?? "";
      notifications.show({
        color: "green",
        message:
          added?.payment.state === "available_in_package"
            ? t("add.bookedFromPackage", { name: who, package: added.payment.packageName })
            : t("add.bookedAtPrice", { name: who }),
      });
      w.done();
      changed(s);
    },
  });
  const busy = enrol.isPending;
  // A refusal about a field of the new customer shows at that field, in words without its path.
  const fieldOf = (e: unknown) =>
    e instanceof ApiError && e.field?.startsWith("newCustomer.")
      ? e.field.slice("newCustomer.".length)
      : null;
  const fieldError = (field: string) =>
    fieldOf(enrol.error) === field ? words(enrol.error).replace(/^[\w.]+: /, "") : undefined;

  return (
    <Card withBorder p="sm" data-testid="add-attendee">
      <Text fw={600} mb="xs">
        {t("add.title")}
      </Text>
      {full && (
        <Alert color="orange" mb="sm" py="xs">
          {t("add.full")}
        </Alert>
      )}
      {enrol.error && !(creating && fieldOf(enrol.error)) && (
        <Alert color="red" mb="sm" py="xs" data-testid="add-error">
          {words(enrol.error)}
        </Alert>
      )}
      <Group gap="xs" align="flex-end" wrap="wrap">
        <Select
          aria-label={t("add.customer")}
          placeholder={t("add.searchPlaceholder")}
          searchable
          clearable
          data={options}
          value={customerId}
          searchValue={search}
          onSearchChange={setSearch}
          onChange={setCustomerId}
          nothingFoundMessage={debounced ? t("add.nothingFound") : t("add.searchPlaceholder")}
          filter={({ options: o }) => o}
          style={{ flex: "1 1 240px" }}
        />
        <Button
          disabled={!customerId}
          loading={busy && !creating}
          onClick={() =>
            enrol.mutate({
              body: { customerId },
              done: () => {
                setCustomerId(null);
                setSearch("");
              },
            })
          }
        >
          {t("add.addToClass")}
        </Button>
        {canCreate && (
          <Button variant={creating ? "light" : "default"} onClick={() => setCreating((c) => !c)}>
            {creating ? t("add.closeNewCustomer") : t("add.newCustomer")}
          </Button>
        )}
      </Group>
      {canCreate && creating && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            enrol.mutate({
              body: {
                newCustomer: { name: name.trim(), phone: phone.trim() || null, email: email.trim() || null },
              },
              done: () => {
                setName("");
                setPhone("");
                setEmail("");
                setCreating(false);
              },
            });
          }}
        >
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs" mt="sm">
            <TextInput
              label={t("add.name")}
              required
              maxLength={200}
              error={fieldError("name")}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <TextInput
              label={t("add.phone")}
              error={fieldError("phone")}
              value={phone}
              onChange={(e) => setPhone(e.currentTarget.value)}
            />
            <TextInput
              label={t("add.email")}
              type="email"
              error={fieldError("email")}
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Group justify="flex-end" mt="xs">
            <Button type="submit" variant="light" loading={busy} disabled={!name.trim()}>
              {t("add.addNewToClass")}
            </Button>
          </Group>
        </form>
      )}
    </Card>
  );
}
