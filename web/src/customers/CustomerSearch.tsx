// The customer list: every customer a page at a time in the order the working location reads names
// (U1: Á with A, Cs after C in Budapest), how many are shown of how many, and more on demand (W2);
// typing searches by name, phone or e-mail. On a phone the phone number goes under the name.
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
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { Customer } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useSession } from "../auth/session.js";
import { CustomerLanguageSelect } from "../languages/LanguagePickers.js";
import css from "./customers.module.css";
import { customerListQuery, PAGE_SIZE } from "./list-query.js";

export function CustomerSearch() {
  const { t } = useTranslation("customers");
  const [text, setText] = useState("");
  const [debounced] = useDebouncedValue(text.trim(), 120);
  const [creating, { open, close }] = useDisclosure();
  const navigate = useNavigate();
  const { can } = useSession();
  const list = useInfiniteQuery({ ...customerListQuery(debounced), placeholderData: keepPreviousData });
  const customers = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages.at(-1)?.total ?? 0;
  const open1 = (c: Customer) => navigate(`/customers/${c.id}`);

  return (
    <Stack maw={900}>
      <Group justify="space-between">
        <Title order={2}>{t("list.title")}</Title>
        {can("manage_customers") && <Button onClick={open}>{t("list.newCustomer")}</Button>}
      </Group>
      <TextInput
        placeholder={t("list.searchPlaceholder")}
        aria-label={t("list.searchLabel")}
        size="md"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        rightSection={list.isFetching && !list.isFetchingNextPage ? <Loader size="xs" /> : null}
        autoFocus
        onKeyDown={(e) => {
          if (e.key === "Enter" && customers[0]) open1(customers[0]);
        }}
      />
      {list.error && <Alert color="red">{plainWords(list.error)}</Alert>}
      <Card withBorder p={0}>
        {list.data && customers.length === 0 ? (
          <Text p="md" c="dimmed">
            {debounced ? t("list.noMatch", { query: debounced }) : t("list.none")}
          </Text>
        ) : (
          <Table highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("list.name")}</Table.Th>
                <Table.Th visibleFrom="xs">{t("list.phone")}</Table.Th>
                <Table.Th visibleFrom="sm">{t("list.email")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {customers.map((c) => (
                <CustomerRow key={c.id} customer={c} onOpen={open1} />
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      {list.data && customers.length > 0 && (
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm" c="dimmed" data-testid="customer-count">
            {t(debounced ? "list.shownMatching" : "list.shown", { shown: customers.length, total })}
          </Text>
          {list.hasNextPage && (
            <Button
              variant="default"
              onClick={() => void list.fetchNextPage()}
              loading={list.isFetchingNextPage}
              data-testid="customer-more"
            >
              {t("list.showMore", { count: Math.min(PAGE_SIZE, total - customers.length) })}
            </Button>
          )}
        </Group>
      )}
      {/* mounted when asked for: a closed modal still costs the list its first render (U3) */}
      {creating && (
        <Modal opened onClose={close} title={t("new.title")}>
          <NewCustomerForm
            initialName={text}
            onCreated={(c) => {
              close();
              navigate(`/customers/${c.id}`);
            }}
          />
        </Modal>
      )}
    </Stack>
  );
}

/**
 * One row, in the table's own classes on plain elements: 25 rows of components (a Box each, with
 * its style props worked out) made the list the slowest part of signing in (U3).
 */
function CustomerRow({ customer: c, onOpen }: { customer: Customer; onOpen: (c: Customer) => void }) {
  const { tr, td } = Table.classes;
  return (
    <tr
      className={tr}
      data-hover
      data-with-row-border
      style={{ cursor: "pointer" }}
      tabIndex={0}
      onClick={() => onOpen(c)}
      onKeyDown={(e) => e.key === "Enter" && onOpen(c)}
      data-testid="customer-row"
    >
      <td className={td}>
        <p className={`${Text.classes.root} ${css.name}`}>{c.name}</p>
        <p className={`${Text.classes.root} ${css.contact} mantine-hidden-from-xs`}>
          {c.phone ?? c.email ?? ""}
        </p>
      </td>
      <td className={`${td} mantine-visible-from-xs`} style={{ whiteSpace: "nowrap" }}>
        {c.phone ?? "—"}
      </td>
      <td className={`${td} mantine-visible-from-sm`} style={{ overflowWrap: "anywhere" }}>
        {c.email ?? "—"}
      </td>
    </tr>
  );
}

function NewCustomerForm({
  initialName,
  onCreated,
}: {
  initialName: string;
  onCreated: (c: Customer) => void;
}) {
  const { t } = useTranslation("customers");
  const queryClient = useQueryClient();
  const [name, setName] = useState(/\d|@/.test(initialName) ? "" : initialName);
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  /** U2: "" is the business's language */
  const [language, setLanguage] = useState("");
  const create = useMutation({
    mutationFn: () =>
      api.post<Customer>("/api/v1/customers", {
        name,
        phone: phone || null,
        email: email || null,
        language: language || null,
      }),
    onSuccess: (c) => {
      queryClient.setQueryData(["customers", c.id], c);
      void queryClient.invalidateQueries({ queryKey: ["customers", "list"] });
      onCreated(c);
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Stack>
        {create.error && <Alert color="red">{plainWords(create.error)}</Alert>}
        <TextInput
          label={t("new.name")}
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          data-autofocus
        />
        <TextInput
          label={t("new.phone")}
          maxLength={40}
          value={phone}
          onChange={(e) => setPhone(e.currentTarget.value)}
        />
        <TextInput
          label={t("new.email")}
          type="email"
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <CustomerLanguageSelect value={language} onChange={setLanguage} />
        <Button type="submit" loading={create.isPending}>
          {t("new.submit")}
        </Button>
      </Stack>
    </form>
  );
}
