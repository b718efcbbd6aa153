// U2: every word on screen comes from locales/<language>/<namespace>.json through i18next.
// (a) every language has the keys English has (plural forms as its own language needs them), none empty,
//     with the same {{placeholders}};
// (b) a static scan of web/src with the TypeScript compiler: no JSX text with letters, no string literal
//     in a user-facing prop (label, placeholder, title, aria-label, …), in a `message`/`label` of an object
//     (notifications.show, Select data) or shaped like a sentence, unless it goes through t();
// (c) every literal key given to t() in a namespace that exists is in the English files.
// I18N_SCAN=auth/,staff/,shell/Layout.tsx limits (b) and (c) to files under web/src starting so.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const LOCALES = join(ROOT, "locales");
const WEB = join(ROOT, "web", "src");

/** Words that are the same in every language: the product's name. */
const SAME_IN_EVERY_LANGUAGE = new Set(["Carnet"]);

// ---------------------------------------------------------------------------------------------
// (a) the files of every language

type Tree = { [key: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

const languages = readdirSync(LOCALES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const namespacesOf = (language: string) =>
  readdirSync(join(LOCALES, language))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""));
const read = (language: string, namespace: string) =>
  leaves(JSON.parse(readFileSync(join(LOCALES, language, `${namespace}.json`), "utf8")) as Tree);

const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort();

/** The differences between English and `language` in one namespace, in words. */
function compareLanguage(
  english: Map<string, string>,
  other: Map<string, string>,
  language: string,
): string[] {
  const problems: string[] = [];
  const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories as string[];
  const englishCategories = new Intl.PluralRules("en").resolvedOptions().pluralCategories as string[];
  const base = (key: string) => key.replace(PLURAL, "");
  const plurals = new Set([...english.keys()].filter((k) => PLURAL.test(k)).map(base));
  // What `language` must have: English's keys, each plural in the categories of `language`.
  const expected = new Set<string>();
  for (const key of english.keys()) {
    if (!PLURAL.test(key)) expected.add(key);
    else for (const c of categories) expected.add(`${base(key)}_${c}`);
  }
  for (const key of expected) {
    if (other.has(key)) continue;
    problems.push(`${language} lacks ${key}`);
  }
  for (const key of other.keys()) {
    if (expected.has(key)) continue;
    // A plural form English does not use but `language` does not need either is still extra.
    problems.push(`${language} has ${key}, English has not`);
  }
  for (const [key, text] of other) {
    if (text.trim() === "") problems.push(`${language} ${key} is empty`);
    const englishKey = plurals.has(base(key)) ? `${base(key)}_other` : key;
    const source = english.get(englishKey) ?? english.get(`${base(key)}_${englishCategories[0]}`);
    if (source === undefined) continue;
    const want = placeholders(source).filter((p) => p !== "count");
    const have = placeholders(text).filter((p) => p !== "count");
    const missing = want.filter((p) => !have.includes(p));
    const extra = have.filter((p) => !want.includes(p));
    if (missing.length || extra.length)
      problems.push(
        `${language} ${key}: placeholders {{${have.join(", ")}}} where English has {{${want.join(", ")}}}`,
      );
  }
  return problems;
}

describe("locales (U2)", () => {
  it("has English and Hungarian", () => {
    expect(languages).toEqual(expect.arrayContaining(["en", "hu"]));
  });

  it("every language has the namespaces and keys English has, none empty, the same placeholders", () => {
    const problems: string[] = [];
    const english = namespacesOf("en");
    for (const language of languages) {
      const own = namespacesOf(language);
      for (const ns of english) if (!own.includes(ns)) problems.push(`${language} lacks ${ns}.json`);
      for (const ns of own)
        if (!english.includes(ns)) problems.push(`${language} has ${ns}.json, English has not`);
      for (const ns of own.filter((n) => english.includes(n))) {
        const en = read("en", ns);
        for (const [key, text] of en) if (text.trim() === "") problems.push(`en ${ns}:${key} is empty`);
        if (language !== "en")
          problems.push(...compareLanguage(en, read(language, ns), language).map((p) => `${ns}.json: ${p}`));
      }
    }
    expect(problems).toEqual([]);
  });

  it("compares plural forms by each language's own rules", () => {
    const en = new Map([
      ["a_one", "{{count}} credit"],
      ["a_other", "{{count}} credits"],
      ["b", "Hello {{name}}"],
    ]);
    expect(
      compareLanguage(
        en,
        new Map([
          ["a_one", "{{count}} alkalom"],
          ["a_other", "{{count}} alkalom"],
          ["b", "Szia {{name}}"],
        ]),
        "hu",
      ),
    ).toEqual([]);
    expect(
      compareLanguage(
        en,
        new Map([
          ["a_other", "x"],
          ["b", "Szia"],
          ["c", ""],
        ]),
        "hu",
      ),
    ).toEqual([
      "hu lacks a_one",
      "hu has c, English has not",
      "hu b: placeholders {{}} where English has {{name}}",
      "hu c is empty",
    ]);
    // Polish needs few and many as well
    expect(
      compareLanguage(
        en,
        new Map([
          ["a_one", "x"],
          ["a_other", "y"],
          ["b", "{{name}}"],
        ]),
        "pl",
      ),
    ).toEqual(["pl lacks a_few", "pl lacks a_many"]);
  });
});

// ---------------------------------------------------------------------------------------------
// (b) and (c): the web app's source

interface Finding {
  file: string;
  line: number;
  rule: "jsx-text" | "prop" | "jsx-expression" | "object-label" | "sentence" | "unknown-key";
  text: string;
}

/** Props whose value a person reads or hears. */
const USER_FACING_PROPS = new Set([
  "label",
  "placeholder",
  "title",
  "description",
  "aria-label",
  "aria-description",
  "aria-valuetext",
  "alt",
  "error",
  "nothingFoundMessage",
  "suffix",
  "prefix",
  "message",
  "help",
  "hint",
]);
const USER_FACING_PROP_SUFFIX = /(Label|Text|Message|Title|Hint|Description|Placeholder)$/;
/** Object properties that end up on screen: notifications.show({ title, message }), Select data, steps. */
const USER_FACING_KEYS = new Set([
  "label",
  "title",
  "message",
  "description",
  "placeholder",
  "help",
  "error",
]);
/** Calls whose string arguments are keys, or never shown: their literals are not words on screen. */
const NOT_SHOWN_CALLS = new Set(["t", "useTranslation", "Trans", "require", "matchMedia", "useMediaQuery"]);

const hasLetters = (text: string) => /\p{L}/u.test(text);
const allowed = (text: string) => !hasLetters(text) || SAME_IN_EVERY_LANGUAGE.has(text.trim());
/** Two words of letters, starting with a capital or ending like a sentence: "Choose a staff member." */
const looksLikeSentence = (text: string) =>
  /\p{L}{2,}[\s\u00a0]+\p{L}/u.test(text) && (/^\s*\p{Lu}/u.test(text) || /[.!?…]\s*$/u.test(text));

function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return "";
}

function calleeObject(call: ts.CallExpression): string {
  const e = call.expression;
  return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) ? e.expression.text : "";
}

/** The literal texts an expression can evaluate to, without going into calls (t("…") is a call). */
function literalTexts(node: ts.Expression): Array<{ node: ts.Node; text: string }> {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return [{ node, text: node.text }];
  if (ts.isTemplateExpression(node))
    return [
      { node: node.head, text: node.head.text },
      ...node.templateSpans.flatMap((s) => [
        ...literalTexts(s.expression),
        { node: s.literal, text: s.literal.text },
      ]),
    ];
  if (ts.isConditionalExpression(node))
    return [...literalTexts(node.whenTrue), ...literalTexts(node.whenFalse)];
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return literalTexts(node.right);
    if (
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.QuestionQuestionToken ||
      op === ts.SyntaxKind.PlusToken
    )
      return [...literalTexts(node.left), ...literalTexts(node.right)];
    return [];
  }
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node))
    return literalTexts(node.expression);
  if (ts.isJsxElement(node) || ts.isJsxFragment(node) || ts.isJsxSelfClosingElement(node)) return [];
  return [];
}

function inNotShownContext(node: ts.Node): boolean {
  for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
    if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isTypeNode(p)) return true;
    if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
      const name = calleeName(p);
      if (NOT_SHOWN_CALLS.has(name)) return true;
      if (ts.isNewExpression(p) && name === "Error") return true;
      if (ts.isCallExpression(p) && calleeObject(p) === "console") return true;
    }
    if (ts.isJsxAttribute(p)) {
      const name = p.name.getText();
      if (name === "i18nKey" || name.startsWith("data-") || name === "style" || name === "key") return true;
    }
    if (ts.isFunctionLike(p) || ts.isSourceFile(p)) return false;
  }
  return false;
}

const kindOf = (file: string) => (file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);

/** Untranslated words in one file's source. */
function scanSource(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kindOf(file));
  const findings: Finding[] = [];
  const seen = new Set<ts.Node>();
  const add = (node: ts.Node, rule: Finding["rule"], text: string) => {
    if (seen.has(node) || allowed(text) || inNotShownContext(node)) return;
    seen.add(node);
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    findings.push({ file, line, rule, text: text.trim().slice(0, 80) });
  };

  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) {
      if (hasLetters(node.text)) add(node, "jsx-text", node.text);
    } else if (ts.isJsxAttribute(node) && node.initializer) {
      const name = node.name.getText();
      if (USER_FACING_PROPS.has(name) || USER_FACING_PROP_SUFFIX.test(name)) {
        const init = node.initializer;
        if (ts.isStringLiteral(init)) add(init, "prop", init.text);
        else if (ts.isJsxExpression(init) && init.expression)
          for (const l of literalTexts(init.expression)) add(l.node, "prop", l.text);
      }
    } else if (ts.isJsxExpression(node) && node.expression && !ts.isJsxAttribute(node.parent)) {
      for (const l of literalTexts(node.expression)) add(l.node, "jsx-expression", l.text);
    } else if (ts.isPropertyAssignment(node)) {
      const key = ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : "";
      if (USER_FACING_KEYS.has(key))
        for (const l of literalTexts(node.initializer)) add(l.node, "object-label", l.text);
    }
    const isName =
      !!node.parent &&
      (ts.isPropertyAssignment(node.parent) || ts.isPropertySignature(node.parent)) &&
      node.parent.name === node;
    if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      !isName &&
      looksLikeSentence(node.text)
    )
      add(node, "sentence", node.text);
    if (ts.isTemplateExpression(node)) {
      for (const part of [node.head, ...node.templateSpans.map((s) => s.literal)])
        if (looksLikeSentence(part.text)) add(part, "sentence", part.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

// (c): keys

/** The namespace each name bound from useTranslation() has, per function (or file) that binds it. */
function translationBindings(sf: ts.SourceFile): Map<ts.Node, Map<string, string>> {
  const scopes = new Map<ts.Node, Map<string, string>>();
  const visit = (node: ts.Node) => {
    if (
      ts.isVariableDeclaration(node) &&
      node.initializer &&
      ts.isCallExpression(node.initializer) &&
      calleeName(node.initializer) === "useTranslation"
    ) {
      const arg = node.initializer.arguments[0];
      const ns =
        arg && ts.isStringLiteral(arg)
          ? arg.text
          : arg && ts.isArrayLiteralExpression(arg) && arg.elements[0] && ts.isStringLiteral(arg.elements[0])
            ? arg.elements[0].text
            : "common";
      let scope: ts.Node = node;
      while (scope.parent && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
      const names = scopes.get(scope) ?? new Map<string, string>();
      if (ts.isObjectBindingPattern(node.name)) {
        for (const el of node.name.elements) {
          const prop = el.propertyName?.getText() ?? el.name.getText();
          if (prop === "t") names.set(el.name.getText(), ns);
        }
      } else if (ts.isArrayBindingPattern(node.name)) {
        const first = node.name.elements[0];
        if (first && ts.isBindingElement(first)) names.set(first.name.getText(), ns);
      }
      scopes.set(scope, names);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return scopes;
}

function optionNamespace(call: ts.CallExpression): string | undefined {
  const options = call.arguments[1];
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  for (const p of options.properties)
    if (ts.isPropertyAssignment(p) && p.name.getText() === "ns" && ts.isStringLiteral(p.initializer))
      return p.initializer.text;
  return undefined;
}

/** A plural (count) or a context: the key is written with suffixes ("_one", "_service"). */
function hasSuffixes(call: ts.CallExpression): boolean {
  const options = call.arguments[1];
  return (
    !!options &&
    ts.isObjectLiteralExpression(options) &&
    options.properties.some((p) => ["count", "context"].includes(p.name?.getText() ?? ""))
  );
}

/** Keys given to t() as literals, with their namespace when it can be told. */
function keysUsed(
  file: string,
  source: string,
): Array<{ line: number; ns: string; key: string; plural: boolean }> {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kindOf(file));
  const scopes = translationBindings(sf);
  const names = new Set(["t", ...[...scopes.values()].flatMap((m) => [...m.keys()])]);
  const out: Array<{ line: number; ns: string; key: string; plural: boolean }> = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      (ts.isIdentifier(node.expression) ? names.has(node.expression.text) : calleeName(node) === "t")
    ) {
      const arg = node.arguments[0];
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) {
        let ns: string | undefined = optionNamespace(node);
        const callee = node.expression;
        if (!ns && ts.isIdentifier(callee)) {
          for (let p: ts.Node | undefined = node.parent; p && !ns; p = p.parent)
            ns = scopes.get(p)?.get(callee.text);
        } else if (!ns) ns = "common"; // i18next.t / i18n.t: the default namespace
        let key = arg.text;
        const explicit = /^([\w-]+):(.+)$/.exec(key);
        if (explicit?.[1] && explicit[2]) [ns, key] = [explicit[1], explicit[2]];
        const line = sf.getLineAndCharacterOfPosition(arg.getStart(sf)).line + 1;
        if (ns) out.push({ line, ns, key, plural: hasSuffixes(node) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(d.name) && !d.name.endsWith(".d.ts") ? [path] : [];
  });
}

const filter = (process.env.I18N_SCAN ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const scanned = sourceFiles(WEB)
  .map((path) => relative(WEB, path).split("\\").join("/"))
  .filter((file) => filter.length === 0 || filter.some((prefix) => file.startsWith(prefix)))
  .sort();
const show = (f: Finding) => `web/src/${f.file}:${f.line} ${f.rule} "${f.text}"`;

describe("the web app's words go through i18next (U2)", () => {
  it("the scan finds words that do not, and passes words that do", () => {
    const source = `
      import { useTranslation } from "react-i18next";
      export function A({ n }: { n: number }) {
        const { t } = useTranslation("staff");
        const { t: tc } = useTranslation("common");
        notifications.show({ message: \`Invitation sent to \${n}.\` });
        notifications.show({ message: t("invite.sent", { email: n }) });
        const data = [{ value: "a", label: "Owner" }, { value: "b", label: tc("roles.owner") }];
        return (
          <Stack data-testid="staff page" aria-label={t("list.label")}>
            <Title>Staff</Title>
            <Title>{t("title")}</Title>
            <Text>{n > 1 ? "Several" : t("one")}</Text>
            <TextInput label="Name" placeholder={n ? "e.g. Anna" : undefined} description={t("x")} />
            <Text>Carnet</Text>
            <Text>{n} × 100 %</Text>
            <Button onClick={() => setError("Choose a staff member.")}>{tc("actions.save")}</Button>
          </Stack>
        );
      }`;
    const found = scanSource("fixture.tsx", source).map((f) => `${f.rule} ${f.text}`);
    expect(found).toEqual([
      "object-label Invitation sent to",
      "object-label Owner",
      "jsx-text Staff",
      "jsx-expression Several",
      "prop Name",
      "prop e.g. Anna",
      "sentence Choose a staff member.",
    ]);
    expect(keysUsed("fixture.tsx", source).map((k) => `${k.ns}:${k.key}`)).toEqual([
      "staff:invite.sent",
      "common:roles.owner",
      "staff:list.label",
      "staff:title",
      "staff:one",
      "staff:x",
      "common:actions.save",
    ]);
  });

  it(`every word on screen in ${filter.length ? filter.join(", ") : "web/src"} goes through t()`, () => {
    expect(scanned.length).toBeGreaterThan(0);
    const findings = scanned.flatMap((file) => scanSource(file, readFileSync(join(WEB, file), "utf8")));
    expect(findings.map(show)).toEqual([]);
  });

  it("every key given to t() is in the English files", () => {
    const english = new Map(namespacesOf("en").map((ns) => [ns, read("en", ns)]));
    const missing: string[] = [];
    for (const file of scanned) {
      for (const use of keysUsed(file, readFileSync(join(WEB, file), "utf8"))) {
        const words = english.get(use.ns);
        if (!words) continue; // a namespace not written yet, or a key made at run time
        const found =
          words.has(use.key) || (use.plural && [...words.keys()].some((k) => k.startsWith(`${use.key}_`)));
        if (!found) missing.push(`web/src/${file}:${use.line} ${use.ns}:${use.key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
