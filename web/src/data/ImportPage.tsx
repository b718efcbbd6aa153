// O5, O6: bring the packages customers hold in another system (a CSV file: dry run with every row's
// error, then the import, all or nothing, with its progress), and take all the business's data away
// (a ZIP of CSV files). Managers import; only the owner downloads everything.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  FileInput,
  Group,
  Loader,
  Progress,
  ScrollArea,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { localDate, money } from "../format.js";
import type { Item, Template } from "../types.js";
import type { ImportReport, RowError } from "./types.js";
import { type ImportPhase, importWithProgress } from "./upload.js";

const count = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

export function ImportPage() {
  const { can } = useSession();
  return (
    <Stack maw={1000}>
      <Title order={2}>Import &amp; export</Title>
      {can("import_data") && <ImportSection />}
      {can("export_business_data") && <ExportSection />}
      {can("import_data") && <ColumnsReference />}
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------
// The file's columns, in the receptionist's words

const COLUMNS: Array<{ name: string; need: "required" | "optional" | "one of two"; about: string }> = [
  {
    name: "package_ref",
    need: "optional",
    about:
      "The package's number in the old system. Rows with the same number are the lines of one package. " +
      "A package already imported with this number is never created again.",
  },
  { name: "customer_name", need: "required", about: "The customer's full name." },
  {
    name: "customer_email",
    need: "one of two",
    about:
      "The customer's e-mail. A customer already in Carnet with this e-mail gets the package; otherwise a new customer is made.",
  },
  {
    name: "customer_phone",
    need: "one of two",
    about: "The customer's phone number; tells customers apart when there is no e-mail.",
  },
  {
    name: "template",
    need: "optional",
    about: "The name of a package in Carnet's catalog (as on the Till), such as “5x Manicure”.",
  },
  {
    name: "item",
    need: "optional",
    about:
      "The service, product or class type, as named in the catalog. Needed when there is no template, or the template has several items (one row per item).",
  },
  {
    name: "package_name",
    need: "optional",
    about: "The name to show; by default the template's, or “10× Pedicure”.",
  },
  { name: "credits_total", need: "required", about: "How many credits the customer bought (of this item)." },
  {
    name: "credits_used",
    need: "optional",
    about: "How many of them were already used in the old system (0 if empty).",
  },
  {
    name: "price_paid",
    need: "required",
    about:
      "What the customer paid, in the location's currency: 50000, 50 000 or 120.00. 0 for a free package.",
  },
  { name: "purchase_date", need: "required", about: "The day it was bought, year first: 2025-03-14." },
  {
    name: "expiry_date",
    need: "optional",
    about: "The last day it can be used, year first. Empty: it never expires.",
  },
  {
    name: "location",
    need: "optional",
    about: "The location's name in Carnet. May be empty when the business has one location.",
  },
];

const NEED_COLOR = { required: "red", optional: "gray", "one of two": "orange" } as const;

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",;\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** An example file that this business's own catalog accepts as it is. */
function exampleFile(locationName: string, template: Template | undefined, item: Item | undefined): string {
  const rows: Array<Array<string | number>> = [COLUMNS.map((c) => c.name)];
  const itemName = item?.name ?? "Manicure";
  rows.push([
    "OLD-1001",
    "Anna Kovács",
    "anna@example.com",
    "+36 30 123 4567",
    template?.name ?? "",
    template ? "" : itemName,
    "",
    template?.items[0]?.quantity ?? 5,
    2,
    "50000",
    "2025-09-01",
    "2026-09-01",
    locationName,
  ]);
  rows.push([
    "OLD-1002",
    "Bob Smith",
    "",
    "+1 212 555 0100",
    "",
    itemName,
    "",
    10,
    4,
    "120",
    "2025-05-02",
    "",
    locationName,
  ]);
  return `${rows.map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** The file in a few words, and an example file that this business's own catalog accepts as it is. */
function FileIntro() {
  const me = useMe();
  const [example, setExample] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([api.get<Template[]>("/api/v1/templates"), api.get<Item[]>("/api/v1/items")]).then(
      ([templates, items]) =>
        setExample(
          exampleFile(
            me.location.name,
            templates.find((t) => t.active && t.items.length === 1),
            items.find((i) => i.active && i.kind === "service"),
          ),
        ),
      () => setExample(exampleFile(me.location.name, undefined, undefined)),
    );
  }, [me.location.name]);
  const href = example ? `data:text/csv;charset=utf-8,${encodeURIComponent(`\ufeff${example}`)}` : undefined;
  return (
    <Stack gap="sm">
      <Text size="sm">
        Save the packages your customers hold in the old system as a CSV file (Excel:{" "}
        <i>File → Save as → CSV UTF-8</i>): a first row naming the columns, then one row per package, or one
        row per item of a package with several items. The columns are explained{" "}
        <Anchor href="#import-columns">below</Anchor>. Carnet checks the file first and shows what it would
        create and every row it cannot read; nothing is written until you press Import.
      </Text>
      <Group>
        <Button
          component="a"
          href={href}
          download="carnet-import-example.csv"
          variant="default"
          disabled={!href}
          data-testid="example-file"
        >
          Download an example file
        </Button>
      </Group>
    </Stack>
  );
}

function ColumnsReference() {
  return (
    <Card withBorder id="import-columns">
      <Stack gap="sm">
        <Title order={3}>The columns of the file</Title>
        <Text size="sm">
          In any order, with these names in the first row. Commas, semicolons or tabs between cells all work.
          Rows with errors are listed with their row number, column and why.
        </Text>
        <Stack gap={6} component="dl" m={0}>
          {COLUMNS.map((c) => (
            <div key={c.name}>
              <Group gap="xs" component="dt">
                <Code>{c.name}</Code>
                <Badge size="xs" variant="light" color={NEED_COLOR[c.need]}>
                  {c.need === "one of two" ? "e-mail or phone" : c.need}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed" component="dd" m={0}>
                {c.about}
              </Text>
            </div>
          ))}
        </Stack>
      </Stack>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------
// Upload → dry run → import → result

type Stage =
  | { stage: "idle" }
  | { stage: "checking" }
  | { stage: "checked"; report: ImportReport }
  | { stage: "importing"; report: ImportReport; phase: ImportPhase }
  | { stage: "done"; report: ImportReport; result: ImportReport };

function ImportSection() {
  const [file, setFile] = useState<File | null>(null);
  const [csv, setCsv] = useState<string>("");
  const [stage, setStage] = useState<Stage>({ stage: "idle" });
  const [error, setError] = useState<string | null>(null);
  /** one key per file chosen: a retry of the same import answers the first one's result */
  const key = useRef<string>(crypto.randomUUID());

  async function choose(next: File | null) {
    setFile(next);
    setError(null);
    setStage({ stage: "idle" });
    key.current = crypto.randomUUID();
    if (!next) return;
    setStage({ stage: "checking" });
    try {
      const text = await next.text();
      setCsv(text);
      const report = await api.post<ImportReport>("/api/v1/imports/dry-run", {
        csv: text,
        fileName: next.name,
      });
      setStage({ stage: "checked", report });
    } catch (e) {
      setError(plainWords(e));
      setStage({ stage: "idle" });
    }
  }

  async function run(report: ImportReport) {
    if (!file) return;
    setError(null);
    setStage({ stage: "importing", report, phase: { phase: "uploading", sent: 0, size: csv.length } });
    try {
      const result = await importWithProgress({ csv, fileName: file.name }, key.current, (phase) =>
        setStage({ stage: "importing", report, phase }),
      );
      setStage({ stage: "done", report, result });
    } catch (e) {
      setError(plainWords(e));
      setStage({ stage: "checked", report });
    }
  }

  const busy = stage.stage === "checking" || stage.stage === "importing";
  return (
    <Stack>
      <Card withBorder>
        <Stack>
          <Title order={3}>Bring packages from your old system</Title>
          <FileIntro />
          <FileInput
            label="Import file (CSV)"
            placeholder="Choose a .csv file"
            accept=".csv,.txt,text/csv,text/plain"
            value={file}
            onChange={(f) => void choose(f)}
            clearable
            disabled={busy}
            maw={420}
          />
          {stage.stage === "checking" && (
            <Group gap="xs">
              <Loader size="sm" />
              <Text size="sm">Checking the file…</Text>
            </Group>
          )}
          {error && (
            <Alert color="red" data-testid="import-failed">
              {error}
            </Alert>
          )}
          {(stage.stage === "checked" || stage.stage === "importing") && (
            <DryRun
              report={stage.report}
              importing={stage.stage === "importing" ? stage.phase : null}
              onImport={() => void run(stage.report)}
            />
          )}
          {stage.stage === "done" && <Result result={stage.result} onAnother={() => void choose(null)} />}
        </Stack>
      </Card>
    </Stack>
  );
}

function DryRun({
  report,
  importing,
  onImport,
}: {
  report: ImportReport;
  importing: ImportPhase | null;
  onImport: () => void;
}) {
  const s = report.summary;
  if (report.errorCount > 0) {
    return (
      <Stack data-testid="dry-run-errors">
        <Alert color="red" title={`${plural(report.errorCount, "problem")} in the file`}>
          Nothing can be imported until {report.errorCount === 1 ? "it is" : "they are"} fixed. Correct the
          file in your spreadsheet, save it, and choose it again. Row numbers are the spreadsheet's: the
          column names are row 1.
        </Alert>
        <ErrorTable errors={report.errors} />
        {report.errorCount > report.errors.length && (
          <Text size="sm" c="dimmed">
            The first {count(report.errors.length)} are shown.
          </Text>
        )}
      </Stack>
    );
  }
  return (
    <Stack data-testid="dry-run-summary">
      <Alert color={s.toCreate > 0 ? "teal" : "gray"} title="The file is fine">
        <Stack gap={4}>
          <Text size="sm" data-testid="dry-run-counts">
            {s.toCreate > 0
              ? `Importing it creates ${plural(s.toCreate, "package")} (${plural(s.lines, "credit line")}) for ${plural(
                  s.customersNew + s.customersExisting,
                  "customer",
                )}: ${count(s.customersNew)} new, ${count(s.customersExisting)} already in Carnet.`
              : "Every package in this file is already imported: importing it again creates nothing."}
          </Text>
          {s.alreadyImported > 0 && s.toCreate > 0 && (
            <Text size="sm">
              {plural(s.alreadyImported, "package was", "packages were")} imported before and will be left as{" "}
              {s.alreadyImported === 1 ? "it is" : "they are"}.
            </Text>
          )}
          {s.byCurrency.map((c) => (
            <Text size="sm" key={c.currency}>
              {c.currency}: {plural(c.packages, "package")} paid {money(c.pricePaidMinor, c.currency)};{" "}
              {plural(c.owedCredits, "credit")} still to use, worth {money(c.owedMinor, c.currency)}.
            </Text>
          ))}
        </Stack>
      </Alert>
      <Preview report={report} />
      {s.toCreate > 0 &&
        (importing ? (
          <ImportProgress phase={importing} rows={report.rows} />
        ) : (
          <Group>
            <Button onClick={onImport} data-testid="import-button">
              Import {plural(s.toCreate, "package")}
            </Button>
            <Text size="sm" c="dimmed">
              All or nothing: if anything fails, nothing is imported.
            </Text>
          </Group>
        ))}
    </Stack>
  );
}

/** Every error: a table on a wide screen, one card per error on a phone. */
function ErrorTable({ errors }: { errors: RowError[] }) {
  const key = (e: RowError) => `${e.row}|${e.column}|${e.message}`;
  return (
    <>
      <Table striped data-testid="import-errors" layout="fixed" visibleFrom="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={64}>Row</Table.Th>
            <Table.Th w={190}>Column</Table.Th>
            <Table.Th>What is wrong</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {errors.map((e) => (
            <Table.Tr key={key(e)} data-testid="import-error">
              <Table.Td>{e.row ?? "—"}</Table.Td>
              <Table.Td style={{ overflowWrap: "anywhere" }}>
                {e.column ? <Code>{e.column}</Code> : "—"}
              </Table.Td>
              <Table.Td style={{ overflowWrap: "anywhere" }}>{e.message}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Stack gap="xs" hiddenFrom="sm">
        {errors.map((e) => (
          <Card key={key(e)} withBorder padding="xs" data-testid="import-error-card">
            <Group gap="xs">
              <Text size="sm" fw={700}>
                {e.row === null ? "The file" : `Row ${e.row}`}
              </Text>
              {e.column && <Code>{e.column}</Code>}
            </Group>
            <Text size="sm" style={{ overflowWrap: "anywhere" }}>
              {e.message}
            </Text>
          </Card>
        ))}
      </Stack>
    </>
  );
}

const PREVIEW = 8;

function Preview({ report }: { report: ImportReport }) {
  const shown = report.packages.slice(0, PREVIEW);
  if (shown.length === 0) return null;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        The first {shown.length === 1 ? "package" : `${shown.length} packages`} of the file
      </Text>
      <ScrollArea>
        <Table striped miw={620} data-testid="import-preview">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Row</Table.Th>
              <Table.Th>Customer</Table.Th>
              <Table.Th>Package</Table.Th>
              <Table.Th>Credits used</Table.Th>
              <Table.Th>Paid</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((p) => (
              <Table.Tr key={p.rows.join(",")}>
                <Table.Td>{p.rows.join(", ")}</Table.Td>
                <Table.Td>
                  {p.customerName}
                  {p.newCustomer && (
                    <Badge size="xs" variant="light" ml={6}>
                      new
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td>
                  {p.lines.map((l) => (
                    <div key={l.itemName}>
                      {l.itemName}: {l.used} of {l.total}
                    </div>
                  ))}
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>{money(p.priceMinor, p.currency)}</Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  {p.expiresOn ? localDate(p.expiresOn) : "never"}
                </Table.Td>
                <Table.Td>
                  {p.status === "already_imported" && (
                    <Badge size="sm" color="gray">
                      already imported
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {report.summary.packages > shown.length && (
        <Text size="sm" c="dimmed">
          …and {plural(report.summary.packages - shown.length, "more package")}.
        </Text>
      )}
    </Stack>
  );
}

function ImportProgress({ phase, rows }: { phase: ImportPhase; rows: number }) {
  let value = 100;
  let label: string;
  let animated = false;
  if (phase.phase === "uploading") {
    value = phase.size > 0 ? Math.round((100 * phase.sent) / phase.size) : 0;
    label = `Sending the file… ${value}%`;
  } else if (phase.phase === "checking") {
    animated = true;
    label = `Checking ${plural(rows, "row")} once more…`;
  } else {
    value = phase.total > 0 ? Math.round((100 * phase.done) / phase.total) : 0;
    label = `Writing packages: ${count(phase.done)} of ${count(phase.total)}`;
  }
  return (
    <Stack gap={4} data-testid="import-progress">
      <Text size="sm" aria-live="polite">
        {label}
      </Text>
      <Progress value={value} animated={animated} striped={animated} size="lg" aria-label={label} />
      <Text size="xs" c="dimmed">
        Keep this page open. If the connection breaks, nothing is half-written: import the same file again.
      </Text>
    </Stack>
  );
}

function Result({ result, onAnother }: { result: ImportReport; onAnother: () => void }) {
  const s = result.summary;
  return (
    <Stack data-testid="import-result">
      <Alert color="teal" title={s.toCreate > 0 ? "Imported" : "Nothing new to import"}>
        <Stack gap={4}>
          <Text size="sm" data-testid="import-result-counts">
            {s.toCreate > 0
              ? `${plural(s.toCreate, "package")} imported for ${plural(s.customersNew + s.customersExisting, "customer")} (${count(s.customersNew)} new).`
              : "Every package in this file was already imported; nothing was created."}
            {s.alreadyImported > 0 && s.toCreate > 0
              ? ` ${plural(s.alreadyImported, "package was", "packages were")} already imported and left as before.`
              : ""}
          </Text>
          {s.byCurrency.map((c) => (
            <Text size="sm" key={c.currency}>
              {c.currency}: {plural(c.owedCredits, "credit")} still to use, worth{" "}
              {money(c.owedMinor, c.currency)}.
            </Text>
          ))}
          <Text size="sm">The activity log records who imported this file, and each package it made.</Text>
        </Stack>
      </Alert>
      <Group>
        <Button component={Link} to="/packages" data-testid="to-balances">
          See them in the balances report
        </Button>
        <Button variant="default" onClick={onAnother}>
          Import another file
        </Button>
      </Group>
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------
// Export (O6)

function ExportSection() {
  return (
    <Card withBorder>
      <Stack>
        <Title order={3}>Take your data with you</Title>
        <Text size="sm">
          Every record of the business (customers, packages and their lines, every movement of credits,
          tickets and payments, appointments, classes, staff and the activity log) as CSV files in one ZIP
          archive, with a README that explains them. Passwords are never included.
        </Text>
        <Group>
          <Button component="a" href="/api/v1/exports/business.zip" download data-testid="export-all">
            Download all data (CSV, zip)
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          A customer asking for their own data: open them in{" "}
          <Anchor component={Link} to="/customers">
            Customers
          </Anchor>{" "}
          and choose <i>Download this customer's data</i>.
        </Text>
      </Stack>
    </Card>
  );
}
