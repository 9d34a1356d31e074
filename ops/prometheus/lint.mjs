// Checks what promtool does not, for scripts/check-ops.sh:
//  - every alert has a severity, a summary, a description and a runbook_url
//    naming a section that exists in docs/runbook.md;
//  - every alert is covered by ops/prometheus/tests: at least one case where
//    it fires and one where it is expected not to;
//  - every metric the rules and the dashboards read is one the services
//    register (found in the C++ sources: BuildCounter/Gauge/Histogram
//    ().Name("...")), one a rule records, or `up`. Metrics the rules are
//    written for ahead of the code are listed in PENDING and reported, not
//    failed.
// Prints "ok"/"not ok" lines and, last, "# counts PASSED FAILED".
//
//   node ops/prometheus/lint.mjs --modules NODE_MODULES_DIR
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const mi = process.argv.indexOf("--modules");
if (mi < 0) throw new Error("usage: lint.mjs --modules DIR");
const YAML = await import(pathToFileURL(join(resolve(process.argv[mi + 1]), "yaml/dist/index.js")).href);

// Metrics written into rules ahead of the code that exports them; every
// metric now exists, so any name here is a lint failure waiting to happen.
const PENDING = [];

let passed = 0;
let failed = 0;
function check(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}`);
    for (const p of problems) console.log(`    ${p}`);
  }
}

const rulesDir = join(root, "ops/prometheus/rules");
const rules = readdirSync(rulesDir).filter((f) => f.endsWith(".rules.yml")).sort()
  .flatMap((f) => YAML.parse(readFileSync(join(rulesDir, f), "utf8")).groups.flatMap((g) => g.rules));
const alerts = rules.filter((r) => r.alert);

// GitHub-style anchors of docs/runbook.md's headings.
const anchors = new Set(readFileSync(join(root, "docs/runbook.md"), "utf8").split("\n")
  .filter((l) => /^#{1,6} /.test(l))
  .map((l) => l.replace(/^#+ /, "").trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-")));

const testsDir = join(root, "ops/prometheus/tests");
const cases = readdirSync(testsDir).filter((f) => f.endsWith(".yml"))
  .flatMap((f) => YAML.parse(readFileSync(join(testsDir, f), "utf8")).tests ?? [])
  .flatMap((t) => t.alert_rule_test ?? []);

for (const a of alerts) {
  const p = [];
  if (!["page", "ticket", "warning"].includes(a.labels?.severity)) p.push("severity must be page, ticket or warning");
  for (const k of ["summary", "description", "runbook_url"]) if (!a.annotations?.[k]) p.push(`no ${k}`);
  const m = /^docs\/runbook\.md#(.+)$/.exec(a.annotations?.runbook_url ?? "");
  if (!m) p.push("runbook_url must be docs/runbook.md#<section>");
  else if (!anchors.has(m[1])) p.push(`docs/runbook.md has no section #${m[1]}`);
  else if (m[1] !== a.alert.toLowerCase()) p.push(`runbook section #${m[1]} is not named after the alert`);
  const mine = cases.filter((c) => c.alertname === a.alert);
  if (!mine.some((c) => (c.exp_alerts ?? []).length > 0)) p.push("no test where it fires");
  if (!mine.some((c) => (c.exp_alerts ?? []).length === 0)) p.push("no test where it stays quiet");
  check(`alert ${a.alert}: annotations, runbook section, firing and quiet tests`, p);
}

// The metric catalogue.
const known = new Set(["up"]);
const sources = execFileSync("git", ["-C", root, "ls-files", "common", "services"], { encoding: "utf8" })
  .split("\n").filter((f) => f.endsWith(".cc"));
for (const f of sources) {
  let text;
  try { text = readFileSync(join(root, f), "utf8"); } catch { continue; }
  for (const m of text.matchAll(/Build(Counter|Gauge|Histogram|Summary)\(\)\s*\.Name\("([^"]+)"\)/g)) {
    known.add(m[2]);
    if (m[1] === "Histogram" || m[1] === "Summary") for (const s of ["_bucket", "_sum", "_count"]) known.add(m[2] + s);
  }
}
for (const r of rules) if (r.record) known.add(r.record);

// Metric names in a PromQL expression: identifiers left after removing
// strings, label matchers, grouping clauses, durations, functions and
// keywords.
const KEYWORDS = new Set(["and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
  "offset", "bool", "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile",
  "count_values", "group", "inf", "nan"]);
function metricNames(expr) {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\boffset\s+\w+/g, " ");
  const names = [];
  for (const m of s.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] || KEYWORDS.has(m[1].toLowerCase())) continue;
    if (/^\d/.test(m[1])) continue;
    names.push(m[1]);
  }
  return names;
}

const queries = execFileSync(process.execPath, [join(root, "ops/grafana/queries.mjs")], { encoding: "utf8" })
  .split("\n").filter(Boolean).map((l) => JSON.parse(l));
const pendingUsed = new Set();
function metricCheck(name, exprs) {
  const p = [];
  for (const e of exprs) {
    for (const n of metricNames(e)) {
      if (known.has(n)) continue;
      if (PENDING.includes(n)) pendingUsed.add(n);
      else p.push(`unknown metric ${n}`);
    }
  }
  check(name, [...new Set(p)]);
}
metricCheck("rules read only metrics the services export or the rules record", rules.map((r) => r.expr));
for (const file of [...new Set(queries.map((q) => q.dashboard))]) {
  metricCheck(`dashboard ${file} reads only known metrics`, queries.filter((q) => q.dashboard === file).map((q) => q.expr));
}
for (const n of pendingUsed) console.log(`# note: ${n} is read by rules but not yet registered by the services`);
console.log(`# counts ${passed} ${failed}`);
process.exit(failed ? 1 : 0);
