import {
  Alert,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { api, plainWords, query } from "../api.js";
import { useSession } from "../auth/session.js";
import type { Customer } from "../types.js";

export function CustomerSearch() {
  const [text, setText] = useState("");
  const [debounced] = useDebouncedValue(text, 120);
  const [results, setResults] = useState<Customer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [creating, { open, close }] = useDisclosure();
  const navigate = useNavigate();
  const { can } = useSession();
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    setLoading(true);
    api
      .get<Customer[]>(`/api/v1/customers${query({ q: debounced, limit: 25 })}`)
      .then((rows) => {
        if (ticket === latest.current) {
          setResults(rows);
          setError(null);
        }
      })
      .catch((e) => ticket === latest.current && setError(plainWords(e)))
      .finally(() => ticket === latest.current && setLoading(false));
  }, [debounced]);

  return (
    <Stack maw={900}>
      <Group justify="space-between">
        <Title order={2}>Customers</Title>
        {can("manage_customers") && <Button onClick={open}>New customer</Button>}
      </Group>
      <TextInput
        placeholder="Search by name, phone or e-mail"
        aria-label="Search customers"
        size="md"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        rightSection={loading ? <Loader size="xs" /> : null}
        autoFocus
        onKeyDown={(e) => {
          if (e.key === "Enter" && results?.[0]) navigate(`/customers/${results[0].id}`);
        }}
      />
      {error && <Alert color="red">{error}</Alert>}
      <Card withBorder p={0}>
        {results && results.length === 0 ? (
          <Text p="md" c="dimmed">
            No customer matches “{debounced}”.
          </Text>
        ) : (
          <Table highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Phone</Table.Th>
                <Table.Th visibleFrom="sm">E-mail</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(results ?? []).map((c) => (
                <Table.Tr
                  key={c.id}
                  style={{ cursor: "pointer" }}
                  tabIndex={0}
                  onClick={() => navigate(`/customers/${c.id}`)}
                  onKeyDown={(e) => e.key === "Enter" && navigate(`/customers/${c.id}`)}
                  data-testid="customer-row"
                >
                  <Table.Td fw={600}>{c.name}</Table.Td>
                  <Table.Td>{c.phone ?? "—"}</Table.Td>
                  <Table.Td visibleFrom="sm">{c.email ?? "—"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <Modal opened={creating} onClose={close} title="New customer">
        <NewCustomerForm
          initialName={text}
          onCreated={(c) => {
            close();
            navigate(`/customers/${c.id}`);
          }}
        />
      </Modal>
    </Stack>
  );
}

function NewCustomerForm({
  initialName,
  onCreated,
}: {
  initialName: string;
  onCreated: (c: Customer) => void;
}) {
  const [name, setName] = useState(/\d|@/.test(initialName) ? "" : initialName);
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      onCreated(
        await api.post<Customer>("/api/v1/customers", { name, phone: phone || null, email: email || null }),
      );
    } catch (err) {
      setError(plainWords(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit}>
      <Stack>
        {error && <Alert color="red">{error}</Alert>}
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          data-autofocus
        />
        <TextInput label="Phone" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
        <TextInput
          label="E-mail"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <Button type="submit" loading={busy}>
          Create customer
        </Button>
      </Stack>
    </form>
  );
}
