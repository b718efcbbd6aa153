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
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { ImportReport, Item, RowError, Template } from "../api/types.js";
import { api, plainWords } from "../api.js";
import { useMe, useSession } from "../auth/session.js";
import { useItems, useTemplates } from "../catalog/queries.js";
import { localDate, money } from "../format.js";
import { type ImportPhase, importWithProgress } from "./upload.js";

export function ImportPage() {
  const { t } = useTranslation("import");
  const { can } = useSession();
  return (
    <Stack maw={1000}>
      <Title order={2}>{t("title")}</Title>
      {can("import_data") && <ImportSection />}
      {can("export_business_data") && <ExportSection />}
      {can("import_data") && <ColumnsReference />}
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------
// The file's columns, in the receptionist's words (the names are the file's, the same in every language)

type Need = "required" | "optional" | "emailOrPhone";
const COLUMNS: Array<{ name: string; need: Need }> = [
  { name: "package_ref", need: "optional" },
  { name: "customer_name", need: "required" },
  { name: "customer_email", need: "emailOrPhone" },
  { name: "customer_phone", need: "emailOrPhone" },
  { name: "template", need: "optional" },
  { name: "item", need: "optional" },
  { name: "package_name", need: "optional" },
  { name: "credits_total", need: "required" },
  { name: "credits_used", need: "optional" },
  { name: "price_paid", need: "required" },
  { name: "purchase_date", need: "required" },
  { name: "expiry_date", need: "optional" },
  { name: "location", need: "optional" },
];

const NEED_COLOR: Record<Need, string> = { required: "red", optional: "gray", emailOrPhone: "orange" };

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",;\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

interface ExampleWords {
  customers: [string, string];
  item: string;
}

/** An example file that this business's own catalog accepts as it is. */
function exampleFile(
  words: ExampleWords,
  locationName: string,
  template: Template | undefined,
  item: Item | undefined,
): string {
  const rows: Array<Array<string | number>> = [COLUMNS.map((c) => c.name)];
  const itemName = item?.name ?? words.item;
  rows.push([
    "OLD-1001",
    words.customers[0],
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
    words.customers[1],
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
  const { t } = useTranslation("import");
  const templates = useTemplates();
  const items = useItems();
  const settled = (templates.data || templates.error) && (items.data || items.error);
  const example = settled
    ? exampleFile(
        { customers: [t("example.customer1"), t("example.customer2")], item: t("example.item") },
        me.location.name,
        templates.data?.find((tp) => tp.active && tp.items.length === 1),
        items.data?.find((i) => i.active && i.kind === "service"),
      )
    : null;
  const href = example ? `data:text/csv;charset=utf-8,${encodeURIComponent(`\ufeff${example}`)}` : undefined;
  return (
    <Stack gap="sm">
      <Text size="sm">
        <Trans t={t} i18nKey="intro" components={{ i: <i />, below: <Anchor href="#import-columns" /> }} />
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
          {t("downloadExample")}
        </Button>
      </Group>
    </Stack>
  );
}

function ColumnsReference() {
  const { t } = useTranslation("import");
  return (
    <Card withBorder id="import-columns">
      <Stack gap="sm">
        <Title order={3}>{t("columns.title")}</Title>
        <Text size="sm">{t("columns.intro")}</Text>
        <Stack gap={6} component="dl" m={0}>
          {COLUMNS.map((c) => (
            <div key={c.name}>
              <Group gap="xs" component="dt">
                <Code>{c.name}</Code>
                <Badge size="xs" variant="light" color={NEED_COLOR[c.need]}>
                  {t(`columns.need.${c.need}`)}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed" component="dd" m={0}>
                {t(`columns.about.${c.name}`)}
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
  const { t } = useTranslation("import");
  const queryClient = useQueryClient();
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
      // New customers, packages and log entries: every screen that shows them reads them again.
      for (const resource of ["customers", "packages", "reports", "activity"])
        void queryClient.invalidateQueries({ queryKey: [resource] });
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
          <Title order={3}>{t("bring")}</Title>
          <FileIntro />
          <FileInput
            label={t("file.label")}
            placeholder={t("file.placeholder")}
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
              <Text size="sm">{t("file.checking")}</Text>
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
  const { t } = useTranslation("import");
  const s = report.summary;
  if (report.errorCount > 0) {
    return (
      <Stack data-testid="dry-run-errors">
        <Alert color="red" title={t("dryRun.problems", { count: report.errorCount })}>
          {t("dryRun.fixFirst", { count: report.errorCount })}
        </Alert>
        <ErrorTable errors={report.errors} />
        {report.errorCount > report.errors.length && (
          <Text size="sm" c="dimmed">
            {t("dryRun.firstShown", { count: report.errors.length })}
          </Text>
        )}
      </Stack>
    );
  }
  return (
    <Stack data-testid="dry-run-summary">
      <Alert color={s.toCreate > 0 ? "teal" : "gray"} title={t("dryRun.fine")}>
        <Stack gap={4}>
          <Text size="sm" data-testid="dry-run-counts">
            {s.toCreate > 0
              ? t("dryRun.creates", {
                  count: s.toCreate,
                  lines: t("n.creditLines", { count: s.lines }),
                  customers: t("n.customers", { count: s.customersNew + s.customersExisting }),
                  fresh: s.customersNew,
                  existing: s.customersExisting,
                })
              : t("dryRun.nothingNew")}
          </Text>
          {s.alreadyImported > 0 && s.toCreate > 0 && (
            <Text size="sm">{t("dryRun.alreadyImported", { count: s.alreadyImported })}</Text>
          )}
          {s.byCurrency.map((c) => (
            <Text size="sm" key={c.currency}>
              {t("dryRun.byCurrency", {
                currency: c.currency,
                packages: t("n.packages", { count: c.packages }),
                paid: money(c.pricePaidMinor, c.currency),
                credits: t("n.credits", { count: c.owedCredits }),
                worth: money(c.owedMinor, c.currency),
              })}
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
              {t("dryRun.import", { count: s.toCreate })}
            </Button>
            <Text size="sm" c="dimmed">
              {t("dryRun.allOrNothing")}
            </Text>
          </Group>
        ))}
    </Stack>
  );
}

/** Every error: a table on a wide screen, one card per error on a phone. */
function ErrorTable({ errors }: { errors: RowError[] }) {
  const { t } = useTranslation("import");
  const key = (e: RowError) => `${e.row}|${e.column}|${e.message}`;
  return (
    <>
      <Table striped data-testid="import-errors" layout="fixed" visibleFrom="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={64}>{t("errors.row")}</Table.Th>
            <Table.Th w={190}>{t("errors.column")}</Table.Th>
            <Table.Th>{t("errors.what")}</Table.Th>
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
                {e.row === null ? t("errors.theFile") : t("errors.rowN", { row: e.row })}
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
  const { t } = useTranslation("import");
  const shown = report.packages.slice(0, PREVIEW);
  if (shown.length === 0) return null;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {t("preview.first", { count: shown.length })}
      </Text>
      <ScrollArea>
        <Table striped miw={620} data-testid="import-preview">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("preview.row")}</Table.Th>
              <Table.Th>{t("preview.customer")}</Table.Th>
              <Table.Th>{t("preview.package")}</Table.Th>
              <Table.Th>{t("preview.creditsUsed")}</Table.Th>
              <Table.Th>{t("preview.paid")}</Table.Th>
              <Table.Th>{t("preview.expires")}</Table.Th>
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
                      {t("preview.new")}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td>
                  {p.lines.map((l) => (
                    <div key={l.itemName}>
                      {t("preview.usedOf", { item: l.itemName, used: l.used, total: l.total })}
                    </div>
                  ))}
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>{money(p.priceMinor, p.currency)}</Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  {p.expiresOn ? localDate(p.expiresOn) : t("preview.never")}
                </Table.Td>
                <Table.Td>
                  {p.status === "already_imported" && (
                    <Badge size="sm" color="gray">
                      {t("preview.alreadyImported")}
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
          {t("preview.more", { count: report.summary.packages - shown.length })}
        </Text>
      )}
    </Stack>
  );
}

function ImportProgress({ phase, rows }: { phase: ImportPhase; rows: number }) {
  const { t } = useTranslation("import");
  let value = 100;
  let label: string;
  let animated = false;
  if (phase.phase === "uploading") {
    value = phase.size > 0 ? Math.round((100 * phase.sent) / phase.size) : 0;
    label = t("progress.sending", { percent: value });
  } else if (phase.phase === "checking") {
    animated = true;
    label = t("progress.checking", { count: rows });
  } else {
    value = phase.total > 0 ? Math.round((100 * phase.done) / phase.total) : 0;
    label = t("progress.writing", { done: phase.done, total: phase.total });
  }
  return (
    <Stack gap={4} data-testid="import-progress">
      <Text size="sm" aria-live="polite">
        {label}
      </Text>
      <Progress value={value} animated={animated} striped={animated} size="lg" aria-label={label} />
      <Text size="xs" c="dimmed">
        {t("progress.keepOpen")}
      </Text>
    </Stack>
  );
}

function Result({ result, onAnother }: { result: ImportReport; onAnother: () => void }) {
  const { t } = useTranslation("import");
  const s = result.summary;
  return (
    <Stack data-testid="import-result">
      <Alert color="teal" title={s.toCreate > 0 ? t("result.imported") : t("result.nothingNewTitle")}>
        <Stack gap={4}>
          <Text size="sm" data-testid="import-result-counts">
            {s.toCreate > 0
              ? t("result.counts", {
                  count: s.toCreate,
                  customers: t("n.customers", { count: s.customersNew + s.customersExisting }),
                  fresh: s.customersNew,
                })
              : t("result.nothingNew")}
            {s.alreadyImported > 0 && s.toCreate > 0
              ? ` ${t("result.alreadyImported", { count: s.alreadyImported })}`
              : ""}
          </Text>
          {s.byCurrency.map((c) => (
            <Text size="sm" key={c.currency}>
              {t("result.byCurrency", {
                currency: c.currency,
                credits: t("n.credits", { count: c.owedCredits }),
                worth: money(c.owedMinor, c.currency),
              })}
            </Text>
          ))}
          <Text size="sm">{t("result.logged")}</Text>
        </Stack>
      </Alert>
      <Group>
        <Button component={Link} to="/packages" data-testid="to-balances">
          {t("result.toBalances")}
        </Button>
        <Button variant="default" onClick={onAnother}>
          {t("result.another")}
        </Button>
      </Group>
    </Stack>
  );
}

// ---------------------------------------------------------------------------------------------
// Export (O6)

function ExportSection() {
  const { t } = useTranslation("import");
  return (
    <Card withBorder>
      <Stack>
        <Title order={3}>{t("export.title")}</Title>
        <Text size="sm">{t("export.text")}</Text>
        <Group>
          <Button component="a" href="/api/v1/exports/business.zip" download data-testid="export-all">
            {t("export.download")}
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          <Trans
            t={t}
            i18nKey="export.oneCustomer"
            components={{ customers: <Anchor component={Link} to="/customers" />, i: <i /> }}
          />
        </Text>
      </Stack>
    </Card>
  );
}
