// Reads rendered manifests (kubectl kustomize output) on stdin and checks every object against the
// object schema of its kind: Kubernetes' own (kubernetes-models) and the operators' custom resources
// (@kubernetes-models/*). Prints JSON: the objects as parsed, and one entry per problem. A kind with
// no published schema here is reported as such (the caller decides what it accepts without one).
import { parseAllDocuments } from "yaml";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
// Where each API group's models live.
const packages = [
  "kubernetes-models",
  "@kubernetes-models/cert-manager",
  "@kubernetes-models/cloudnative-pg",
  "@kubernetes-models/external-secrets",
  "@kubernetes-models/keda",
  "@kubernetes-models/opentelemetry-operator",
];
const roots = packages.map((name) => dirname(require.resolve(`${name}/package.json`)));

async function modelFor(apiVersion, kind) {
  // "v1" → <root>/v1/<Kind>.js ; "apps/v1" → <root>/apps/v1/<Kind>.js
  for (const root of roots) {
    const file = join(root, ...apiVersion.split("/"), `${kind}.js`);
    try {
      readFileSync(file);
    } catch {
      continue;
    }
    const module = await import(file);
    if (module[kind]) return module[kind];
  }
  return null;
}

// Secret data as kustomize writes it: base64 folded over lines, which the API server's decoder reads
// (it skips line breaks) but the schema's "byte" pattern does not.
function normalised(object) {
  if (object.kind !== "Secret" || !object.data) return object;
  const data = Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, String(v).replace(/\s+/g, "")]));
  return { ...object, data };
}

// --parse: only turn YAML into JSON (the tests read docker-compose.yml with it).
const parseOnly = process.argv.includes("--parse");
const input = readFileSync(0, "utf8");
const documents = parseAllDocuments(input, { merge: true });
const objects = [];
const problems = [];
for (const document of documents) {
  if (document.errors.length) {
    problems.push({ kind: "?", name: "?", problem: document.errors.map((e) => e.message).join("; ") });
    continue;
  }
  const object = document.toJS();
  if (!object) continue;
  objects.push(object);
  if (parseOnly) continue;
  const where = { kind: object.kind, name: object.metadata?.name ?? "?" };
  const Model = object.apiVersion && object.kind ? await modelFor(object.apiVersion, object.kind) : null;
  if (!Model) {
    problems.push({ ...where, problem: "no-schema", apiVersion: object.apiVersion });
    continue;
  }
  try {
    new Model(normalised(object)).validate();
  } catch (error) {
    problems.push({ ...where, problem: String(error.message ?? error) });
  }
}
process.stdout.write(JSON.stringify({ objects, problems }));
