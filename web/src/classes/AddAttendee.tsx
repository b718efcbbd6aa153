// Add an attendee to a class (C1): an existing customer found by name, phone or e-mail, or a new one
// created on the spot. A package credit is booked for them when one can pay for the class.
import { Alert, Button, Card, Group, Select, SimpleGrid, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { api, query } from "../api.js";
import type { Customer } from "../types.js";
import { type ClassSession, classWords } from "./class-types.js";

export function AddAttendee({
  sessionId,
  full,
  canCreate,
  onAdded,
}: {
  sessionId: string;
  full: boolean;
  canCreate: boolean;
  onAdded: (s: ClassSession) => void;
}) {
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search, 120);
  const [options, setOptions] = useState<Array<{ value: string; label: string }>>([]);
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!debounced) return;
    api.get<Customer[]>(`/api/v1/customers${query({ q: debounced, limit: 15 })}`).then(
      (rows) =>
        setOptions(rows.map((c) => ({ value: c.id, label: c.phone ? `${c.name} · ${c.phone}` : c.name }))),
      () => {},
    );
  }, [debounced]);

  async function enrol(body: unknown, done: () => void) {
    setBusy(true);
    try {
      const s = await api.post<ClassSession>(`/api/v1/class-sessions/${sessionId}/enrolments`, body);
      const added = s.roster[s.roster.length - 1];
      notifications.show({
        color: "green",
        message:
          added?.payment.state === "available_in_package"
            ? `${added.customer.name} is booked; a credit of ${added.payment.packageName} is reserved.`
            : `${added?.customer.name ?? "The attendee"} is booked and pays the class price.`,
      });
      setError(null);
      done();
      onAdded(s);
    } catch (e) {
      setError(classWords(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card withBorder p="sm" data-testid="add-attendee">
      <Text fw={600} mb="xs">
        Add an attendee
      </Text>
      {full && (
        <Alert color="orange" mb="sm" py="xs">
          This class is full: every place is taken. Cancel a booking to make room.
        </Alert>
      )}
      {error && (
        <Alert color="red" mb="sm" py="xs" data-testid="add-error">
          {error}
        </Alert>
      )}
      <Group gap="xs" align="flex-end" wrap="wrap">
        <Select
          aria-label="Customer"
          placeholder="Type a name, phone or e-mail"
          searchable
          clearable
          data={options}
          value={customerId}
          searchValue={search}
          onSearchChange={setSearch}
          onChange={setCustomerId}
          nothingFoundMessage={debounced ? "No customer found" : "Type a name, phone or e-mail"}
          filter={({ options: o }) => o}
          style={{ flex: "1 1 240px" }}
        />
        <Button
          disabled={!customerId}
          loading={busy && !creating}
          onClick={() =>
            enrol({ customerId }, () => {
              setCustomerId(null);
              setSearch("");
            })
          }
        >
          Add to class
        </Button>
        {canCreate && (
          <Button variant={creating ? "light" : "default"} onClick={() => setCreating((c) => !c)}>
            {creating ? "Close new customer" : "New customer…"}
          </Button>
        )}
      </Group>
      {canCreate && creating && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            enrol(
              {
                newCustomer: { name: name.trim(), phone: phone.trim() || null, email: email.trim() || null },
              },
              () => {
                setName("");
                setPhone("");
                setEmail("");
                setCreating(false);
              },
            );
          }}
        >
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs" mt="sm">
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <TextInput label="Phone" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
            <TextInput
              label="E-mail"
              type="email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Group justify="flex-end" mt="xs">
            <Button type="submit" variant="light" loading={busy} disabled={!name.trim()}>
              Add new customer to class
            </Button>
          </Group>
        </form>
      )}
    </Card>
  );
}
