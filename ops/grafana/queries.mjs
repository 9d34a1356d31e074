// Lists every PromQL expression of the Grafana dashboards in this folder
// (panel targets and query variables), so tests can check them: one JSON
// object per line with the dashboard, the panel, the refId, the expression
// as written and `resolved`, the expression with Grafana's variables
// replaced by values Prometheus accepts:
//   $community -> harbour-view (or --var community=VALUE); $job ->
//   steward-.+ (always matched with =~); $__rate_interval -> 5m,
//   $__interval -> 1m, $__range -> 1h.
//
//   node ops/grafana/queries.mjs                      JSON lines
//   node ops/grafana/queries.mjs --rules FILE         a promtool rule file
//                                                     (one recording rule per
//                                                     expression) to check
//                                                     their syntax offline
//   node ops/grafana/queries.mjs --var community=harbour-view
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vars = { community: "harbour-view", job: "steward-.+", __rate_interval: "5m", __interval: "1m", __range: "1h" };
let rulesOut = null;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--rules") rulesOut = argv[++i];
  else if (argv[i] === "--var") {
    const [k, ...v] = argv[++i].split("=");
    vars[k] = v.join("=");
  } else throw new Error(`unknown argument ${argv[i]}`);
}

const resolve = (expr) =>
  expr.replace(/\$\{?(\w+)\}?/g, (m, name) => {
    if (!(name in vars)) throw new Error(`unknown variable ${m} in ${expr}`);
    return vars[name];
  });

const queries = [];
for (const file of readdirSync(here).filter((f) => f.endsWith(".json")).sort()) {
  const d = JSON.parse(readFileSync(join(here, file), "utf8"));
  for (const v of d.templating?.list ?? []) {
    if (v.type !== "query") continue;
    // label_values(metric, label) is Grafana's, not PromQL: check the metric.
    const q = v.query?.query ?? v.query;
    const m = /^label_values\((.+),\s*(\w+)\)$/.exec(q);
    const expr = m ? m[1] : q;
    queries.push({ dashboard: file, panel: `variable ${v.name}`, refId: v.name, expr, resolved: resolve(expr) });
  }
  const panels = (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
  for (const p of panels) {
    for (const t of p.targets ?? []) {
      if (!t.expr) continue;
      queries.push({ dashboard: file, panel: p.title, refId: t.refId, expr: t.expr, resolved: resolve(t.expr) });
    }
  }
}

if (rulesOut) {
  const lines = ["groups:", "  - name: dashboard-queries", "    rules:"];
  queries.forEach((q, i) => {
    lines.push(`      # ${q.dashboard}: ${q.panel} (${q.refId})`);
    lines.push(`      - record: dashboard:query_${i}`);
    lines.push(`        expr: ${JSON.stringify(q.resolved)}`);
  });
  writeFileSync(rulesOut, lines.join("\n") + "\n");
  console.log(`${queries.length} queries written to ${rulesOut}`);
} else {
  for (const q of queries) console.log(JSON.stringify(q));
}
