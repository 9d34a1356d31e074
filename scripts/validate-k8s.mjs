// Validates rendered Kubernetes manifests (the output of `kubectl kustomize`)
// offline, for scripts/check-ops.sh:
//
//  1. every object against the Kubernetes schemas of the npm package
//     kubernetes-models (@kubernetes-models/validate); the Prometheus
//     Operator's ServiceMonitor and PrometheusRule against
//     @kubernetes-models/prometheus-operator. Any other kind fails: there is
//     no skip list. (The schemas catch wrong types, missing required fields
//     and bad enum values; they do not reject unknown fields, so the manifest
//     test below asserts the fields that matter by name.)
//  2. a manifest test per overlay: the security settings of every
//     Deployment (non-root, read-only root filesystem, no privilege
//     escalation, all capabilities dropped, RuntimeDefault seccomp, no
//     service-account token), the migrate init container of every Deployment
//     (the main container's image with --migrate_only, its settings, mounts
//     and the same security context), probes that exec the image's
//     steward-health over mutual TLS against the gRPC port, requests and
//     limits, in-cluster listen addresses, TLS settings from the (required)
//     TLS Secret, the database password file from its Secret, an HPA, a PDB,
//     a Service and a NetworkPolicy per service
//     (default deny; database egress only to the service's own database), a
//     ServiceMonitor, and a PrometheusRule carrying exactly the rule groups of
//     ops/prometheus/rules.
//
//   node scripts/validate-k8s.mjs --modules DIR --rules DIR NAME=FILE...
//
// DIR is a node_modules folder holding kubernetes-models,
// @kubernetes-models/prometheus-operator and yaml. NAME=FILE names a render
// and its YAML; NAME is dev or prod (what the overlay-specific assertions
// expect), optionally followed by @anything to tell renders apart. Prints one
// "ok"/"not ok" line per check and, last, "# counts PASSED FAILED". Exits 1 on
// any failure.
import { readFileSync, readdirSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
let modules = null;
let rulesDir = null;
const renders = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--modules") modules = resolve(args[++i]);
  else if (args[i] === "--rules") rulesDir = resolve(args[++i]);
  else {
    const eq = args[i].indexOf("=");
    if (eq < 1) throw new Error(`expected NAME=FILE, got ${args[i]}`);
    renders.push({ name: args[i].slice(0, eq), file: args[i].slice(eq + 1) });
  }
}
if (!modules || !rulesDir || renders.length === 0) {
  console.error("usage: validate-k8s.mjs --modules DIR --rules DIR NAME=FILE...");
  process.exit(2);
}

const load = (path) => import(pathToFileURL(join(modules, path)).href);
const YAML = await load("yaml/dist/index.js");

let passed = 0;
let failed = 0;
function check(name, problems) {
  const list = (Array.isArray(problems) ? problems : [problems]).filter(Boolean);
  if (list.length === 0) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}`);
    for (const p of list) console.log(`    ${p}`);
  }
}

// apiVersion -> module folder holding one file per kind.
function modelPath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "monitoring.coreos.com") {
    return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}.js`;
  }
  return `kubernetes-models/${group === "" ? "" : group + "/"}${version}/${kind}.js`;
}

async function validateSchema(overlay, obj) {
  const id = `${overlay}: ${obj.kind}/${obj.metadata?.name} matches the ${obj.apiVersion} schema`;
  let Model;
  try {
    Model = (await load(modelPath(obj.apiVersion, obj.kind)))[obj.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return check(id, `no schema known for ${obj.apiVersion} ${obj.kind}`);
  try {
    new Model(obj).validate();
    check(id, []);
  } catch (e) {
    check(id, String(e.message ?? e));
  }
}

// --- the manifest test -------------------------------------------------------

const SERVICES = {
  tickets: { grpc: 50051, metrics: 9101 },
  communication: { grpc: 50052, metrics: 9102 },
  training: { grpc: 50053, metrics: 9103 },
  kpi: { grpc: 50054, metrics: 9104 },
};

// The probe binary docker/Dockerfile installs, and where the TLS Secret is
// mounted.
const HEALTH_BINARY = "/usr/bin/steward-health";
const TLS_DIR = "/var/run/secrets/steward/tls";

const matches = (selector = {}, labels = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

function deploymentProblems(d, objects) {
  // The dev MariaDB StatefulSets run under the namespace's default account
  // (not rendered); only their pods' token mount is checked.
  const ownAccount = d.kind === "Deployment";
  const p = [];
  const pod = d.spec?.template?.spec ?? {};
  const psc = pod.securityContext ?? {};
  if (psc.runAsNonRoot !== true) p.push("pod securityContext.runAsNonRoot is not true");
  if (!(psc.runAsUser > 0)) p.push("pod securityContext.runAsUser is not a non-zero uid");
  if (psc.seccompProfile?.type !== "RuntimeDefault") p.push("pod seccompProfile is not RuntimeDefault");
  if (pod.automountServiceAccountToken !== false) p.push("pod mounts a service-account token");
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) p.push("pod uses a host namespace");
  const sa = objects.find((o) => o.kind === "ServiceAccount" && o.metadata.name === pod.serviceAccountName);
  if (ownAccount && !sa) p.push(`ServiceAccount ${pod.serviceAccountName} not rendered`);
  else if (sa && sa.automountServiceAccountToken !== false) p.push(`ServiceAccount ${sa.metadata.name} automounts its token`);
  const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
  if (containers.length === 0) p.push("no containers");
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.allowPrivilegeEscalation !== false) p.push(`${where}: allowPrivilegeEscalation is not false`);
    if (sc.readOnlyRootFilesystem !== true) p.push(`${where}: readOnlyRootFilesystem is not true`);
    if (sc.privileged === true) p.push(`${where}: privileged`);
    if (sc.runAsNonRoot === false || (sc.runAsNonRoot !== true && psc.runAsNonRoot !== true)) p.push(`${where}: may run as root`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) p.push(`${where}: capabilities do not drop ALL`);
    if ((sc.capabilities?.add ?? []).length > 0) p.push(`${where}: adds capabilities`);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault") p.push(`${where}: seccompProfile is not RuntimeDefault`);
    for (const kind of ["requests", "limits"]) {
      for (const r of ["cpu", "memory"]) {
        if (!c.resources?.[kind]?.[r]) p.push(`${where}: no ${r} ${kind}`);
      }
    }
  }
  return p;
}

// Migrations run once per rollout: every Deployment starts with an init
// container "migrate" running the main container's image with --migrate_only
// (or STEWARD_MIGRATE_ONLY=true), with the same settings, mounts and security
// context, and the main container does not carry the flag.
function migrateProblems(d) {
  const p = [];
  const pod = d.spec?.template?.spec ?? {};
  const main = (pod.containers ?? [])[0];
  if (!main) return ["no main container"];
  const inits = pod.initContainers ?? [];
  const m = inits.find((c) => c.name === "migrate");
  if (!m) return [`no init container "migrate" (init containers: ${inits.map((c) => c.name).join(", ") || "none"})`];
  if (inits[0] !== m) p.push('"migrate" is not the first init container');
  const flagged = (c) => [...(c.command ?? []), ...(c.args ?? [])].some((a) => a === "--migrate_only" || a === "--migrate_only=true") ||
    (c.env ?? []).some((e) => e.name === "STEWARD_MIGRATE_ONLY" && e.value === "true");
  if (!flagged(m)) p.push("migrate: neither --migrate_only nor STEWARD_MIGRATE_ONLY=true");
  if (flagged(main)) p.push(`main container ${main.name} runs with --migrate_only`);
  if (m.image !== main.image) p.push(`migrate: image ${m.image}, expected the main container's ${main.image}`);
  if (!isDeepStrictEqual(m.command, main.command)) p.push("migrate: command differs from the main container's");
  const same = (field) => isDeepStrictEqual(m[field] ?? [], main[field] ?? []);
  // The migration credential (DDL rights) belongs to the init container
  // only: the env naming it and the mount of its Secret are the one
  // difference allowed, and required.
  const MIGRATION_DIR = "/var/run/secrets/steward/db-migration";
  const migrationEnv = (e) => e.name.startsWith("STEWARD_DB_MIGRATION_");
  const mainEnv = (main.env ?? []).filter((e) => e.name !== "STEWARD_MIGRATE_ONLY");
  const initEnv = (m.env ?? []).filter((e) => e.name !== "STEWARD_MIGRATE_ONLY" && !migrationEnv(e));
  if (!same("envFrom")) p.push("migrate: envFrom differs from the main container's");
  if (!isDeepStrictEqual(initEnv, mainEnv)) p.push("migrate: env differs from the main container's");
  const initMounts = (m.volumeMounts ?? []).filter((v) => v.mountPath !== MIGRATION_DIR);
  if (!isDeepStrictEqual(initMounts, main.volumeMounts ?? [])) p.push("migrate: volumeMounts differ from the main container's");
  const user = (m.env ?? []).find((e) => e.name === "STEWARD_DB_MIGRATION_USER")?.value;
  const file = (m.env ?? []).find((e) => e.name === "STEWARD_DB_MIGRATION_PASSWORD_FILE")?.value;
  const mount = (m.volumeMounts ?? []).find((v) => v.mountPath === MIGRATION_DIR);
  const vol = mount && (pod.volumes ?? []).find((v) => v.name === mount.name);
  if (!user?.endsWith("_migrate")) p.push("migrate: STEWARD_DB_MIGRATION_USER is not a <schema>_migrate user");
  if (file !== `${MIGRATION_DIR}/password`) p.push(`migrate: STEWARD_DB_MIGRATION_PASSWORD_FILE is not ${MIGRATION_DIR}/password`);
  if (!mount || mount.readOnly !== true) p.push(`migrate: no read-only mount at ${MIGRATION_DIR}`);
  // (kustomize's secretGenerator appends a content hash in dev.)
  if (!/-db-migration(-[a-z0-9]+)?$/.test(vol?.secret?.secretName ?? "")) p.push("migrate: the migration mount is not a Secret <name>-db-migration");
  if ((main.env ?? []).some(migrationEnv)) p.push(`main container ${main.name} is given the migration credential`);
  if ((main.volumeMounts ?? []).some((v) => v.mountPath === MIGRATION_DIR)) p.push(`main container ${main.name} mounts the migration Secret`);
  if (!isDeepStrictEqual(m.securityContext, main.securityContext)) p.push("migrate: securityContext differs from the main container's");
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    if (m[probe]) p.push(`migrate: has a ${probe} (init containers run to completion)`);
  }
  if (m.restartPolicy) p.push("migrate: restartPolicy set (a sidecar would never finish before the main container starts)");
  return p;
}

function serviceProblems(svc, name, d, objects, overlay) {
  const p = [];
  const { grpc, metrics } = SERVICES[svc];
  const pod = d.spec.template.spec;
  const c = pod.containers[0];
  const grpcPort = (c.ports ?? []).find((x) => x.name === "grpc")?.containerPort;
  const metricsPort = (c.ports ?? []).find((x) => x.name === "metrics")?.containerPort;
  if (grpcPort !== grpc) p.push(`grpc containerPort ${grpcPort}, expected ${grpc}`);
  if (metricsPort !== metrics) p.push(`metrics containerPort ${metricsPort}, expected ${metrics}`);
  // Settings: from the (generated) ConfigMap.
  const cmName = (c.envFrom ?? []).find((e) => e.configMapRef)?.configMapRef?.name;
  const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === cmName);
  if (!cm) p.push(`ConfigMap ${cmName} not rendered`);
  const env = cm?.data ?? {};
  // Probes: kubelet's gRPC probes cannot speak TLS, so each one execs the
  // image's steward-health against the pod's own gRPC port, trusting the CA
  // the server uses and presenting the server's certificate (mutual TLS).
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    const pr = c[probe];
    const cmd = pr?.exec?.command ?? [];
    if (pr?.grpc) p.push(`${probe} is a gRPC probe (kubelet cannot speak TLS)`);
    if (cmd[0] !== HEALTH_BINARY) {
      p.push(`${probe} does not exec ${HEALTH_BINARY}`);
      continue;
    }
    const flag = (name) => cmd.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    const targets = cmd.slice(1).filter((a) => !a.startsWith("-"));
    if (!isDeepStrictEqual(targets, [`127.0.0.1:${grpc}`])) p.push(`${probe} checks ${targets}, expected 127.0.0.1:${grpc}`);
    if (flag("service") !== undefined) p.push(`${probe} asks for a named service, expected the overall one`);
    for (const [name, setting] of [["tls_ca", "STEWARD_TLS_CLIENT_CA_FILE"], ["tls_cert", "STEWARD_TLS_CERT_FILE"], ["tls_key", "STEWARD_TLS_KEY_FILE"]]) {
      if (!flag(name) || flag(name) !== env[setting]) p.push(`${probe}: --${name}=${flag(name)}, expected ${setting} (${env[setting]})`);
    }
    if (!flag("tls_server_name")) p.push(`${probe}: no --tls_server_name (127.0.0.1 is not the certificate's name)`);
    if (!(pr.timeoutSeconds >= 2)) p.push(`${probe}: timeoutSeconds ${pr.timeoutSeconds}, expected at least 2 (a process and a TLS handshake)`);
  }
  const want = {
    STEWARD_GRPC_LISTEN: `0.0.0.0:${grpc}`,
    STEWARD_METRICS_LISTEN: `0.0.0.0:${metrics}`,
    STEWARD_DB_HOST: `${name}-db`,
    STEWARD_DB_NAME: `steward_${svc}`,
    STEWARD_DB_USER: `steward_${svc}`,
    STEWARD_DB_PASSWORD_FILE: "/var/run/secrets/steward/db/password",
    STEWARD_MIGRATIONS_DIR: `/usr/share/steward/${svc}/schema`,
    STEWARD_SHUTDOWN_DRAIN: "5s",
    // Listening on 0.0.0.0 requires TLS; mutual TLS from the TLS Secret.
    STEWARD_TLS_CERT_FILE: `${TLS_DIR}/tls.crt`,
    STEWARD_TLS_KEY_FILE: `${TLS_DIR}/tls.key`,
    STEWARD_TLS_CLIENT_CA_FILE: `${TLS_DIR}/ca.crt`,
  };
  if (svc === "tickets") want.STEWARD_CALENDAR_FILE = "/usr/share/steward/calendars/cn-statutory.txt";
  for (const [k, v] of Object.entries(want)) {
    if (env[k] !== v) p.push(`${k}=${env[k]}, expected ${v}`);
  }
  if (env.STEWARD_DB_PASSWORD !== undefined) p.push("password in the ConfigMap");
  // The password file: a read-only mount of the Secret <name>-db.
  const mount = (c.volumeMounts ?? []).find((m) => m.mountPath === "/var/run/secrets/steward/db");
  const vol = mount && (pod.volumes ?? []).find((v) => v.name === mount.name);
  if (!mount || mount.readOnly !== true) p.push("no read-only mount at /var/run/secrets/steward/db");
  if (!vol?.secret?.secretName?.startsWith(`${name}-db`)) p.push(`the db mount is not the Secret ${name}-db`);
  if (!(vol?.secret?.items ?? []).some((i) => i.key === "password" && i.path === "password")) p.push("Secret key password not mounted as password");
  if (overlay === "dev" && !objects.some((o) => o.kind === "Secret" && o.metadata.name === vol?.secret?.secretName)) {
    p.push(`Secret ${vol?.secret?.secretName} not rendered in dev`);
  }
  // Token keys, data keys and TLS material: read-only mounts of required
  // Secrets (the binary refuses to start without them).
  for (const [dir, secret, optional] of [["jwt", "steward-jwt-keys", false], ["data", `${name}-data-keys`, false], ["tls", `${name}-tls`, false]]) {
    const m = (c.volumeMounts ?? []).find((x) => x.mountPath === `/var/run/secrets/steward/${dir}`);
    const v = m && (pod.volumes ?? []).find((x) => x.name === m.name);
    if (!m || m.readOnly !== true) p.push(`no read-only mount at /var/run/secrets/steward/${dir}`);
    if (v?.secret?.secretName !== secret || (v?.secret?.optional === true) !== optional) {
      p.push(`the ${dir} mount is not the ${optional ? "optional" : "required"} Secret ${secret}`);
    }
  }
  // Companions.
  const labels = d.spec.template.metadata.labels;
  const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler" && o.spec?.scaleTargetRef?.kind === "Deployment" && o.spec.scaleTargetRef.name === name);
  if (!hpa) p.push("no HorizontalPodAutoscaler");
  else if (!(hpa.spec.minReplicas >= 1 && hpa.spec.maxReplicas >= hpa.spec.minReplicas)) p.push("HPA replica bounds");
  if (d.spec.replicas !== undefined) p.push("Deployment sets replicas (the HPA owns them)");
  if (!objects.some((o) => o.kind === "PodDisruptionBudget" && matches(o.spec?.selector?.matchLabels, labels))) p.push("no PodDisruptionBudget");
  const service = objects.find((o) => o.kind === "Service" && o.metadata.name === name);
  if (!service || !matches(service.spec.selector, labels)) p.push(`no Service ${name} selecting the pods`);
  else {
    const ports = Object.fromEntries(service.spec.ports.map((x) => [x.name, x.port]));
    if (ports.grpc !== grpc || ports.metrics !== metrics) p.push("Service ports");
  }
  return p;
}

function networkProblems(svc, name, d, objects, overlay) {
  const p = [];
  const labels = d.spec.template.metadata.labels;
  const { grpc, metrics } = SERVICES[svc];
  const selectsAll = (o) => Object.keys(o.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
    !(o.spec?.podSelector?.matchExpressions ?? []).length;
  const deny = objects.find((o) => o.kind === "NetworkPolicy" && selectsAll(o));
  if (!deny || (deny.spec.ingress ?? []).length || (deny.spec.egress ?? []).length ||
      !["Ingress", "Egress"].every((t) => (deny.spec.policyTypes ?? []).includes(t))) {
    p.push("no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)");
  }
  const policies = objects.filter((o) => o.kind === "NetworkPolicy" && Object.keys(o.spec?.podSelector?.matchLabels ?? {}).length > 0 && matches(o.spec.podSelector.matchLabels, labels));
  if (policies.length !== 1) return [...p, `${policies.length} NetworkPolicies select the pods, expected 1`];
  const np = policies[0].spec;
  if (!["Ingress", "Egress"].every((t) => (np.policyTypes ?? []).includes(t))) p.push("policyTypes must be Ingress and Egress");
  // Ingress: every rule names its sources and ports; only gRPC and metrics.
  for (const rule of np.ingress ?? []) {
    if (!(rule.from ?? []).length) p.push("an ingress rule allows any source");
    const ports = (rule.ports ?? []).map((x) => x.port);
    if (!ports.length) p.push("an ingress rule allows any port");
    for (const port of ports) if (port !== grpc && port !== metrics) p.push(`ingress to port ${port}`);
    for (const from of rule.from ?? []) {
      if (from.ipBlock) p.push("ingress from an ipBlock");
      if (ports.includes(metrics) && from.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] !== "monitoring") {
        p.push("metrics port open beyond the monitoring namespace");
      }
    }
  }
  // Egress: DNS, the service's own database, peers' gRPC ports; nothing else.
  const db = [];
  for (const rule of np.egress ?? []) {
    const ports = (rule.ports ?? []).map((x) => x.port);
    if (!(rule.to ?? []).length) p.push("an egress rule allows any destination");
    if (!ports.length) p.push("an egress rule allows any port");
    if (ports.includes(3306)) db.push(rule);
    else if (!ports.every((x) => x === 53 || Object.values(SERVICES).some((s) => s.grpc === x))) p.push(`egress to ports ${ports}`);
  }
  if (!(np.egress ?? []).some((r) => (r.ports ?? []).some((x) => x.port === 53))) p.push("no DNS egress");
  if (db.length !== 1) p.push(`${db.length} database egress rules, expected 1`);
  else {
    const to = db[0].to ?? [];
    if (overlay === "prod") {
      if (!to.every((t) => t.ipBlock?.cidr && !t.podSelector && !t.namespaceSelector)) p.push("prod database egress must be to the external database's ipBlock only");
    } else if (!(to.length === 1 && isDeepStrictEqual(to[0], { podSelector: { matchLabels: { "app.kubernetes.io/name": `${name}-db` } } }))) {
      p.push(`database egress must be to the pods of ${name}-db only`);
    }
  }
  return p;
}

function monitoringProblems(objects, rulesGroups) {
  const p = [];
  const sm = objects.filter((o) => o.kind === "ServiceMonitor");
  const services = objects.filter((o) => o.kind === "Service" && /^steward-(tickets|communication|training|kpi)$/.test(o.metadata.name));
  if (sm.length === 0) p.push("no ServiceMonitor");
  for (const s of services) {
    const by = sm.find((m) => matches(m.spec.selector?.matchLabels, s.metadata.labels) &&
      (m.spec.endpoints ?? []).some((e) => s.spec.ports.some((port) => port.name === e.port)));
    if (!by) p.push(`no ServiceMonitor scrapes Service ${s.metadata.name}`);
  }
  for (const o of objects.filter((x) => x.kind === "Service" && x.metadata.name.endsWith("-db"))) {
    if (sm.some((m) => matches(m.spec.selector?.matchLabels, o.metadata.labels))) p.push(`ServiceMonitor selects ${o.metadata.name}`);
  }
  const pr = objects.filter((o) => o.kind === "PrometheusRule");
  if (pr.length !== 1) p.push(`${pr.length} PrometheusRules, expected 1`);
  else if (!isDeepStrictEqual(pr[0].spec.groups, rulesGroups)) {
    p.push("PrometheusRule groups differ from ops/prometheus/rules (run ops/prometheus/generate-prometheusrule.sh)");
  }
  return p;
}

// --- main ----------------------------------------------------------------------

const rulesGroups = readdirSync(rulesDir)
  .filter((f) => f.endsWith(".rules.yml"))
  .sort()
  .flatMap((f) => YAML.parse(readFileSync(join(rulesDir, f), "utf8")).groups);

for (const { name: overlay, file } of renders) {
  const kind = overlay.split("@")[0];
  const objects = YAML.parseAllDocuments(readFileSync(file, "utf8"))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter((o) => o);
  check(`${overlay}: renders objects`, objects.length ? [] : "nothing rendered");
  for (const obj of objects) await validateSchema(overlay, obj);

  const namespaces = new Set(objects.filter((o) => o.kind !== "Namespace").map((o) => o.metadata.namespace));
  check(`${overlay}: every object in one namespace`, namespaces.size === 1 && !namespaces.has(undefined) ? [] : `namespaces: ${[...namespaces]}`);

  for (const d of objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")) {
    check(`${overlay}: ${d.kind}/${d.metadata.name} security settings`, deploymentProblems(d, objects));
    if (d.kind === "Deployment") {
      check(`${overlay}: Deployment/${d.metadata.name} runs the migrations in init container migrate`, migrateProblems(d));
    }
  }
  for (const svc of Object.keys(SERVICES)) {
    const name = `steward-${svc}`;
    const d = objects.find((o) => o.kind === "Deployment" && o.metadata.name === name);
    if (!d) {
      check(`${overlay}: Deployment/${name} rendered`, "missing");
      continue;
    }
    check(`${overlay}: ${name} ports, probes, settings and companions`, serviceProblems(svc, name, d, objects, kind));
    check(`${overlay}: ${name} network policy`, networkProblems(svc, name, d, objects, kind));
  }
  check(`${overlay}: ServiceMonitor and PrometheusRule`, monitoringProblems(objects, rulesGroups));
}

console.log(`# counts ${passed} ${failed}`);
process.exit(failed ? 1 : 0);
