import {
  Alert,
  Anchor,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { api, plainWords } from "../api.js";
import { ROLE_LABEL } from "../format.js";
import { useSession } from "./session.js";

interface DemoLogins {
  demo: boolean;
  logins: Array<{ email: string; password: string; role: string }>;
}

export function SignIn() {
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoLogins | null>(null);

  useEffect(() => {
    api.get<DemoLogins>("/api/v1/auth/demo-logins").then(setDemo, () => setDemo(null));
  }, []);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.plainPost("/api/v1/auth/sign-in", { email, password });
      await refresh();
      navigate("/customers");
    } catch (e) {
      setError(plainWords(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Stack w={420} maw="100%">
        <Title order={1} ta="center" c="violet.8">
          Carnet
        </Title>
        <Paper withBorder shadow="sm" p="lg" component="form" onSubmit={submit}>
          <Stack>
            <Title order={2} size="h3">
              Sign in
            </Title>
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput
              label="E-mail"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              autoFocus
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </Paper>
        {demo?.demo && (
          <Paper withBorder p="md">
            <Text fw={600} mb="xs">
              Demo logins
            </Text>
            <Table fz="sm">
              <Table.Tbody>
                {demo.logins.map((l) => (
                  <Table.Tr key={l.email}>
                    <Table.Td>{ROLE_LABEL[l.role] ?? l.role}</Table.Td>
                    <Table.Td>
                      <Anchor
                        component="button"
                        type="button"
                        onClick={() => {
                          setEmail(l.email);
                          setPassword(l.password);
                        }}
                      >
                        {l.email}
                      </Anchor>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text size="xs" c="dimmed" mt="xs">
              Password for all: <code>{demo.logins[0]?.password}</code>. Click an e-mail to fill the form.
            </Text>
          </Paper>
        )}
      </Stack>
    </Center>
  );
}
