import { execFileSync } from "node:child_process";
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { RulePackError } from "../../src/errors.js";
import { evaluateDocument, evaluateDocumentAsync, loadBuiltinPack, loadRulePack, readTarGz } from "../../src/evaluate/index.js";
import { compileRegoPack } from "../../src/evaluate/compile-rego.js";
import { audit, auditDocument, auditDocumentAsync, loadConfig } from "../../src/index.js";
import { builtinPackPaths } from "../../src/evaluate/locate.js";
import { pinnedOpa } from "../support/opa.js";
import { syntheticDocument } from "../support/synthetic-document.js";

const packs = join(import.meta.dirname, "..", "fixtures", "packs");
let opa: string;

beforeAll(() => {
  opa = pinnedOpa();
  process.env.LEASTROLE_OPA = opa;
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * An `opa build -t wasm` bundle of the custom fixture pack as docs/writing-rules.md builds one,
 * after `edit` has changed its copy of the rule folder.
 */
function wasmBundle(prefix: string, edit: (rules: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const entry = join(dir, "entry.rego");
  copyFileSync(builtinPackPaths().entrypoint, entry);
  const rules = join(dir, "rules");
  cpSync(join(packs, "custom"), rules, { recursive: true });
  edit(rules);
  const bundle = join(dir, "bundle.tar.gz");
  execFileSync(opa, ["build", "-t", "wasm", "--capabilities", builtinPackPaths().capabilities, "-e", "leastrole/findings", "--ignore", "*_test.rego", "-o", bundle, rules, entry]);
  return bundle;
}

function expectPackError(fn: () => unknown, pattern: RegExp): RulePackError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RulePackError);
    expect((e as Error).message).toMatch(pattern);
    return e as RulePackError;
  }
  throw new Error("expected a RulePackError");
}

describe("rules version", () => {
  it("the source hash is the same for every build of the same Rego and changes with a rule", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-srchash-"));
    cpSync(join(packs, "custom"), dir, { recursive: true });
    const a = compileRegoPack(dir, { opaPath: opa });
    const b = compileRegoPack(dir, { opaPath: opa });
    expect(a.catalog.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.catalog.sourceSha256).toBe(a.catalog.sourceSha256);
    // A test file is not compiled in, so it does not change the version either.
    writeFileSync(join(dir, "extra_test.rego"), "package acme.extra_test\n");
    expect(compileRegoPack(dir, { opaPath: opa }).catalog.sourceSha256).toBe(a.catalog.sourceSha256);
    appendFileSync(join(dir, "no_owner_tag.rego"), "\n# changed\n");
    expect(compileRegoPack(dir, { opaPath: opa }).catalog.sourceSha256).not.toBe(a.catalog.sourceSha256);
  });

  it("the built-in pack's catalog carries it, and the report's rulesVersion is built from it", async () => {
    const pack = loadBuiltinPack();
    expect(pack.catalog.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    const { report } = await audit([join(import.meta.dirname, "..", "..", "examples", "demo-account")]);
    expect(report.tool.rulesVersion).toBe(`${report.tool.version}+${(pack.catalog.sourceSha256 as string).slice(0, 12)}`);
  });
});

describe("built-in pack", () => {
  it("loads with ABI 1.x, the aggregating entrypoint, and only SDK built-ins", () => {
    const pack = loadBuiltinPack();
    expect(pack.abi.major).toBe(1);
    expect(pack.abi.minor).toBeGreaterThanOrEqual(2);
    expect(pack.entrypoints).toContain("leastrole/findings");
    // None implemented in JavaScript: each call leaves the module and costs a JSON round trip
    // (sprintf was a fifth of the evaluation at 10,000 functions); messages use policies/lib/text.rego.
    expect(pack.hostBuiltins).toEqual([]);
    const lr001 = pack.catalog.rules.find((r) => r.id === "LR001");
    expect(lr001).toMatchObject({ package: "shared_execution_role", name: "shared-execution-role", severity: "medium", category: "blast-radius" });
    expect(lr001?.relatedResources[0]?.ref).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it("ships a catalog that describes the shipped module", () => {
    const pack = loadBuiltinPack();
    expect(pack.catalog.wasmSha256).toBe(pack.wasmSha256);
    expect(pack.warnings).toEqual([]);
  });
});

describe("user packs", () => {
  it("compiles a folder of .rego files and runs it beside the built-in pack", () => {
    const custom = loadRulePack(join(packs, "custom"));
    expect(custom.catalog.rules.map((r) => r.id)).toEqual(["ACME001"]);
    const doc = syntheticDocument(20, 7);
    doc.functions[0]!.tags.owner = "team-a";
    const result = evaluateDocument(doc, [loadBuiltinPack(), custom]);
    const acme = result.findings.filter((f) => f.ruleId === "ACME001");
    expect(acme).toHaveLength(19);
    expect(acme.every((f) => f.severity === "low" && f.resource.type === "function" && f.name === "function-owner-tag")).toBe(true);
    expect(acme.map((f) => f.resource.arn)).not.toContain(doc.functions[0]!.arn);
    expect(result.findings.some((f) => f.ruleId === "LR001")).toBe(true);
    expect(result.packs.map((p) => [p.origin, p.failed])).toEqual([
      ["builtin", false],
      [join(packs, "custom"), false],
    ]);
  });

  it("a rule reading rules.options as data.leastrole.config with its own default works without any options given", () => {
    // A deny-list with a default, as docs/writing-rules.md says options reach a rule. Before, with
    // no options (no config file, or one without rules.options), data.leastrole.config was
    // undefined, object.get on it too, and the rule silently found nothing.
    const dir = mkdtempSync(join(tmpdir(), "lr-options-"));
    writeFileSync(join(dir, "denied_actions.rego"), [
      "# METADATA",
      "# title: Forbidden action",
      "# custom:",
      "#   id: ACME004",
      "#   severity: medium",
      "package leastrole.rules.denied_actions",
      "",
      'denied := object.get(data.leastrole.config, "denied_actions", ["iam:PassRole"])',
      "",
      "findings contains finding if {",
      "\tsome role in input.roles",
      "\tsome action in denied",
      "\taction in role.facts.allowedActions",
      '\tfinding := {"resource": {"type": "role", "arn": role.arn, "name": role.name}, "message": sprintf("Role %s grants %s", [role.name, action]), "detail": action}',
      "}",
      "",
    ].join("\n"));
    const pack = loadRulePack(dir);
    const doc = syntheticDocument(3, 1);
    doc.roles[0]!.facts.allowedActions = ["iam:PassRole", "s3:GetObject"];
    const messages = (options: Parameters<typeof evaluateDocument>[2]) => evaluateDocument(doc, [pack], options).findings.map((f) => f.message);
    const role = doc.roles[0]!.name;
    expect(messages({})).toEqual([`Role ${role} grants iam:PassRole`]);
    expect(messages({ ruleOptions: { denied_actions: ["s3:GetObject"] } })).toEqual([`Role ${role} grants s3:GetObject`]);
    expect(auditDocument(doc, { rules: [dir], noBuiltinRules: true }).findings.map((f) => f.message)).toEqual([`Role ${role} grants iam:PassRole`]);
  });

  it("loads an OPA bundle .tar.gz with a catalog inside", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-bundle-"));
    const entry = join(dir, "entry.rego");
    copyFileSync(builtinPackPaths().entrypoint, entry);
    const bundle = join(dir, "bundle.tar.gz");
    execFileSync(opa, ["build", "-t", "wasm", "--capabilities", builtinPackPaths().capabilities, "-e", "leastrole/findings", "--ignore", "*_test.rego", "-o", bundle, join(packs, "custom"), entry]);
    const files = readTarGz(readFileSync(bundle));
    expect([...files.keys()]).toContain("policy.wasm");
    // Without a catalog.json, the catalog is read from the METADATA of the Rego files `opa build`
    // keeps in the bundle: the rules have the ids and severities `leastrole build-rules` gives
    // them (before: findings named after the package, severity medium, a rule `rules` did not list).
    const bare = loadRulePack(bundle);
    expect(bare.warnings).toEqual([]);
    const compiled = loadRulePack(join(packs, "custom")).catalog.rules;
    expect(bare.catalog.rules).toEqual(compiled.map((r) => ({ ...r, file: expect.stringMatching(/(^|\/)no_owner_tag\.rego$/) })));
    const result = evaluateDocument(syntheticDocument(3, 1), [bare]);
    expect(result.findings.map((f) => `${f.ruleId}/${f.severity}`)).toEqual(["ACME001/low", "ACME001/low", "ACME001/low"]);
  });

  it("a bundle whose Rego has no METADATA still runs, its findings named after the package, with a warning", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-bundle-bare-"));
    const entry = join(dir, "entry.rego");
    copyFileSync(builtinPackPaths().entrypoint, entry);
    const rules = join(dir, "rules");
    cpSync(join(packs, "custom"), rules, { recursive: true });
    const text = readFileSync(join(rules, "no_owner_tag.rego"), "utf8");
    writeFileSync(join(rules, "no_owner_tag.rego"), text.slice(text.indexOf("package ")));
    const bundle = join(dir, "bundle.tar.gz");
    execFileSync(opa, ["build", "-t", "wasm", "--capabilities", builtinPackPaths().capabilities, "-e", "leastrole/findings", "--ignore", "*_test.rego", "-o", bundle, rules, entry]);
    const bare = loadRulePack(bundle);
    // The bundle, the rule file (as opa build stored it) and line, and what its METADATA must hold.
    // Before: "no rule catalog (catalog.json) found beside the module", naming no file to fix.
    const [warning] = bare.warnings;
    expect(warning).toMatch(new RegExp(`^${escapeRegExp(bundle)}: no rule catalog: the bundle has no catalog\\.json and no METADATA for rule package leastrole\\.rules\\.no_owner_tag \\(${escapeRegExp(bundle)}!\\S*rules/no_owner_tag\\.rego:1\\), so its findings are identified by package name and default to severity medium: add a \`# METADATA\` comment block right above the \`package leastrole\\.rules\\.<name>\` line, with \`title\`, \`custom\\.id\` .* and \`custom\\.severity\` \\(one of critical, high, medium, low, info\\)`));
    const result = evaluateDocument(syntheticDocument(3, 1), [bare]);
    expect(result.findings.map((f) => `${f.ruleId}/${f.severity}`)).toEqual(["no_owner_tag/medium", "no_owner_tag/medium", "no_owner_tag/medium"]);
  });

  it("a bundle with one rule without METADATA beside rules with it names that rule's file", () => {
    // Before: no warning at all (the catalog of the other rules was found), and the rule's findings
    // were silently named after its package, with severity medium.
    const bundle = wasmBundle("lr-bundle-partial-", (rules) => {
      writeFileSync(join(rules, "lambda_boundary.rego"), "package leastrole.rules.lambda_boundary\n\nfindings contains finding if {\n\tsome role in input.roles\n\trole.permissionsBoundaryArn == null\n\tfinding := {\"resource\": {\"type\": \"role\", \"arn\": role.arn, \"name\": role.name}, \"message\": \"no boundary\"}\n}\n");
    });
    const pack = loadRulePack(bundle);
    expect(pack.catalog.rules.map((r) => r.id)).toEqual(["ACME001"]);
    expect(pack.warnings[0]).toMatch(new RegExp(`^${escapeRegExp(bundle)}: no METADATA for rule package leastrole\\.rules\\.lambda_boundary \\(${escapeRegExp(bundle)}!\\S*rules/lambda_boundary\\.rego:1\\), so its findings are identified by package name`));
  });

  it("a bundle whose METADATA block is below the package line says so, as a folder's check does", () => {
    // OPA gives a block under the package line to the rule below it (scope: rule). A folder's pack
    // is refused with "move it above"; a bundle's warning only said the package had no METADATA.
    const bundle = wasmBundle("lr-bundle-below-", (rules) => {
      const file = join(rules, "no_owner_tag.rego");
      const text = readFileSync(file, "utf8");
      const at = text.indexOf("package ");
      const pkgLine = text.slice(at, text.indexOf("\n", at) + 1);
      writeFileSync(file, `${pkgLine}\n${text.slice(0, at)}${text.slice(at + pkgLine.length)}`);
    });
    const pack = loadRulePack(bundle);
    expect(pack.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^${escapeRegExp(bundle)}: no rule catalog: the bundle has no catalog\\.json and no METADATA for rule package leastrole\\.rules\\.no_owner_tag \\(${escapeRegExp(bundle)}!\\S*rules/no_owner_tag\\.rego:1; its METADATA block at line 3 is below the package line, so OPA gives it to the rule under it \\(scope: rule\\): move it above the package line\\), so its findings`),
      ),
    ]);
    // A rule's own METADATA (no `custom`) under the package line is no misplaced package block.
    const ruleScoped = wasmBundle("lr-bundle-rule-meta-", (rules) => {
      const file = join(rules, "no_owner_tag.rego");
      const text = readFileSync(file, "utf8");
      writeFileSync(file, text.slice(text.indexOf("package ")).replace("findings contains", "# METADATA\n# title: the findings\nfindings contains"));
    });
    expect(loadRulePack(ruleScoped).warnings).toEqual([expect.stringMatching(/no_owner_tag\.rego:1\), so its findings/)]);
  });

  it("a -t wasm bundle's Rego is checked as a folder's is where that needs no opa: a rule without findings is refused, `not x.<nullable>` warned", () => {
    // Before: the bundle ran, its rule (Conftest's `deny`) finding nothing, without a word.
    const deny = wasmBundle("lr-bundle-deny-", (rules) => {
      const file = join(rules, "no_owner_tag.rego");
      writeFileSync(file, readFileSync(file, "utf8").replace("findings contains finding if", "deny contains finding if"));
    });
    const err = expectPackError(() => loadRulePack(deny), /rule ACME001 \(package leastrole\.rules\.no_owner_tag\) defines no `findings`, so it would never find anything: .* it defines `deny` \(.*rules\/no_owner_tag\.rego:\d+\)/);
    expect(err.file).toMatch(new RegExp(`^${escapeRegExp(deny)}!\\S*rules/no_owner_tag\\.rego$`));
    expect(err.message.startsWith(`${err.file}: `)).toBe(true);
    const notNull = wasmBundle("lr-bundle-notnull-", (rules) => {
      const file = join(rules, "no_owner_tag.rego");
      writeFileSync(file, readFileSync(file, "utf8").replace("\tnot fn.tags.owner\n", "\tnot fn.tags.owner\n\tnot fn.kmsKeyArn\n"));
    });
    const warnings = loadRulePack(notNull).warnings;
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRegExp(notNull)}!\\S*rules/no_owner_tag\\.rego:\\d+: \`not fn\\.kmsKeyArn\` is never true`)),
    ]);
  });

  it("a bundle's METADATA without custom.id is refused, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-bundle-badmeta-"));
    const entry = join(dir, "entry.rego");
    copyFileSync(builtinPackPaths().entrypoint, entry);
    const rules = join(dir, "rules");
    cpSync(join(packs, "custom"), rules, { recursive: true });
    const file = join(rules, "no_owner_tag.rego");
    writeFileSync(file, readFileSync(file, "utf8").replace("#   id: ACME001\n", ""));
    const bundle = join(dir, "bundle.tar.gz");
    // opa build does not need custom.id; leastrole does, as build-rules does.
    execFileSync(opa, ["build", "-t", "wasm", "--capabilities", builtinPackPaths().capabilities, "-e", "leastrole/findings", "--ignore", "*_test.rego", "-o", bundle, rules, entry]);
    const err = expectPackError(() => loadRulePack(bundle), /METADATA of package leastrole\.rules\.no_owner_tag \(line \d+\): custom\.id is missing$/);
    // The file inside the bundle, as opa build stored it (the path it was given), with the bundle.
    expect(err.file).toMatch(new RegExp(`^${bundle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}!.*rules/no_owner_tag\\.rego$`));
    // The package's line in that file (before: neither the line nor the package's whole name).
    const line = readFileSync(file, "utf8").split("\n").findIndex((l) => l.startsWith("package ")) + 1;
    expect(err.message).toBe(`${err.file}: METADATA of package leastrole.rules.no_owner_tag (line ${line}): custom.id is missing`);
  });

  it("loads a prebuilt .wasm with catalog.json beside it", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-wasm-"));
    const compiled = loadRulePack(join(packs, "custom"));
    const wasmPath = join(dir, "acme.wasm");
    const bundle = join(dir, "b.tar.gz");
    const entry = join(dir, "entry.rego");
    copyFileSync(builtinPackPaths().entrypoint, entry);
    execFileSync(opa, ["build", "-t", "wasm", "--capabilities", builtinPackPaths().capabilities, "-e", "leastrole/findings", "--ignore", "*_test.rego", "-o", bundle, join(packs, "custom"), entry]);
    writeFileSync(wasmPath, readTarGz(readFileSync(bundle)).get("policy.wasm")!);
    writeFileSync(join(dir, "catalog.json"), JSON.stringify({ ...compiled.catalog, wasmSha256: null }));
    const pack = loadRulePack(wasmPath);
    expect(pack.warnings).toEqual([]);
    const result = evaluateDocument(syntheticDocument(2, 3), [pack]);
    expect(result.findings.map((f) => `${f.ruleId}/${f.severity}`)).toEqual(["ACME001/low", "ACME001/low"]);
  });

  it("keeps one of the copies a rule written as an array yields, as a set would", () => {
    const doc = syntheticDocument(3, 7);
    const result = evaluateDocument(doc, [loadRulePack(join(packs, "array"))]);
    const found = result.findings.filter((f) => f.ruleId === "ACME002");
    // Each function has two variables (LOG_LEVEL, TABLE_NAME): the comprehension yields each finding twice.
    expect(doc.functions.every((fn) => fn.environmentVariableNames.length === 2)).toBe(true);
    expect(found.map((f) => f.resource.arn)).toEqual(doc.functions.map((fn) => fn.arn).sort());
    expect(result.diagnostics.filter((d) => d.code === "ambiguous-fingerprint")).toEqual([]);
  });

  it("turns every broken finding into a diagnostic naming the rule and keeps the good one", () => {
    const result = evaluateDocument(syntheticDocument(2), [loadRulePack(join(packs, "broken"))]);
    expect(result.findings.map((f) => f.message)).toEqual(["fine"]);
    const messages = result.diagnostics.filter((d) => d.code === "bad-finding").map((d) => d.message);
    expect(messages).toHaveLength(5);
    const file = join(packs, "broken", "bad_shapes.rego");
    expect(messages.every((m) => m.startsWith(`rule BAD001 (package leastrole.rules.bad_shapes, ${file}:`) && m.includes(`) of ${join(packs, "broken")} produced an invalid finding: `))).toBe(true);
    expect(messages.join("\n")).toMatch(/resource is missing/);
    expect(messages.join("\n")).toMatch(/resource.type must be one of/);
    expect(messages.join("\n")).toMatch(/message must be a non-empty string/);
    expect(messages.join("\n")).toMatch(/severity must be one of/);
    expect(messages.join("\n")).toMatch(/evidence must be an object/);
  });

  it("says in the SDK report's summary which packs failed, as the CLI's exit 2 does, and none when all ran", async () => {
    // A report without a failed pack's findings looked clean to an embedder: no throw, partial false.
    const doc = syntheticDocument(3);
    const broken = join(packs, "broken");
    const conflict = join(packs, "conflict");
    const report = auditDocument(doc, { rules: [join(packs, "custom"), broken], today: "2026-01-01" });
    expect(report.summary.failedPacks).toEqual([broken]);
    expect(report.findings.some((f) => f.ruleId === "ACME001")).toBe(true);
    const aborted = await auditDocumentAsync(doc, { rules: [conflict, broken], evaluateWorkers: 0, today: "2026-01-01" });
    expect(aborted.summary.failedPacks).toEqual([conflict, broken]);
    expect(auditDocument(doc, { rules: [join(packs, "custom")], today: "2026-01-01" }).summary.failedPacks).toEqual([]);
  });

  it("reports every problem of a finding, not only the first", () => {
    // Before, only resource.type was reported; fixing it and running again revealed the message,
    // then the severity.
    const dir = mkdtempSync(join(tmpdir(), "lr-three-problems-"));
    writeFileSync(
      join(dir, "three.rego"),
      [
        "# METADATA\n# title: T\n# custom:\n#   id: BAD003\n#   severity: low\npackage leastrole.rules.three\n",
        'findings contains {"resource": {"type": "lambda", "arn": fn.arn}, "message": 42, "severity": "urgent", "detail": 1} if some fn in input.functions',
        "",
      ].join("\n"),
    );
    const result = evaluateDocument(syntheticDocument(2, 3), [loadRulePack(dir)]);
    expect(result.findings).toEqual([]);
    const problems = result.diagnostics.filter((d) => d.code === "bad-finding").map((d) => d.message.replace(/^.* produced 2 invalid findings: /, ""));
    expect(problems).toEqual([
      'resource.type must be one of function, role, policy, principal, layer (got "lambda" in the first)',
      "message must be a non-empty string (got 42 in the first)",
      'severity must be one of critical, high, medium, low, info (got "urgent" in the first)',
      "detail must be a string",
    ]);
  });

  it("says when a finding's location is not {file, line}, or it has a key a finding does not have, instead of ignoring them", () => {
    // Before: `location: {"line": 3}` was replaced by the resource's own location, and `sevrity`
    // ignored (the finding reported at the rule's low), each without a word.
    const dir = mkdtempSync(join(tmpdir(), "lr-keys-"));
    const write = (finding: string): void =>
      writeFileSync(
        join(dir, "keys.rego"),
        `# METADATA\n# title: T\n# custom:\n#   id: BAD004\n#   severity: low\npackage leastrole.rules.keys\n\nfindings contains ${finding} if some fn in input.functions\n`,
      );
    write('{"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": "m", "location": {"line": 3}}');
    const located = evaluateDocument(syntheticDocument(2, 3), [loadRulePack(dir)]);
    expect(located.findings).toEqual([]);
    expect(located.diagnostics.map((d) => [d.severity, d.code, d.message.replace(/^.* produced 2 invalid findings: /, "")])).toEqual([
      ["error", "bad-finding", 'location must be {file, line} (file a non-empty string, line an integer or null) (got {"line":3} in the first)'],
    ]);
    write('{"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": "m", "sevrity": "high", "location": {"file": "infra/main.tf", "line": 7}}');
    const typo = evaluateDocument(syntheticDocument(2, 3), [loadRulePack(dir)]);
    expect(typo.findings.map((f) => [f.severity, f.location])).toEqual([
      ["low", { file: "infra/main.tf", line: 7 }],
      ["low", { file: "infra/main.tf", line: 7 }],
    ]);
    expect(typo.diagnostics.map((d) => [d.severity, d.code, d.rule, d.message])).toEqual([
      [
        "warning",
        "unknown-finding-key",
        "BAD004",
        `rule BAD004 (package leastrole.rules.keys, ${join(dir, "keys.rego")}:6) of ${dir} gave 2 findings the key "sevrity", which a finding does not have, so it was ignored: a finding's keys are resource, message, evidence, severity, detail, location (docs/writing-rules.md)`,
      ],
    ]);
  });

  it("takes a finding's severity in any case, as METADATA's, and reports it lower case", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-severity-case-"));
    writeFileSync(
      join(dir, "cased.rego"),
      [
        "# METADATA\n# title: T\n# custom:\n#   id: CASE001\n#   severity: Low\npackage leastrole.rules.cased\n",
        'findings contains {"resource": {"type": "role", "arn": r.arn}, "message": "m", "severity": "High"} if some r in input.roles',
        'findings contains {"resource": {"type": "function", "arn": fn.arn}, "message": "m"} if some fn in input.functions',
        "",
      ].join("\n"),
    );
    const doc = syntheticDocument(2, 1);
    const result = evaluateDocument(doc, [loadRulePack(dir)]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect([...new Set(result.findings.map((f) => `${f.resource.type} ${f.severity}`))].sort()).toEqual(["function low", "role high"]);
  });

  it("says once per rule and problem how many findings had it, naming the pack", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-repeated-"));
    writeFileSync(
      join(dir, "half_done.rego"),
      [
        "# METADATA\n# title: T\n# custom:\n#   id: BAD002\n#   severity: low\npackage leastrole.rules.half_done\n",
        // Every function: no message. Every role: a severity that is none of the five.
        'findings contains {"resource": {"type": "function", "arn": fn.arn}} if some fn in input.functions',
        'findings contains {"resource": {"type": "role", "arn": r.arn}, "message": "m", "severity": "severe"} if some r in input.roles',
        "",
      ].join("\n"),
    );
    const doc = syntheticDocument(12, 3);
    const result = evaluateDocument(doc, [loadRulePack(dir)]);
    expect(result.findings).toEqual([]);
    expect(result.diagnostics.filter((d) => d.code === "bad-finding").map((d) => [d.rule, d.pack, d.message])).toEqual([
      ["BAD002", dir, `rule BAD002 (package leastrole.rules.half_done, ${join(dir, "half_done.rego")}:6) of ${dir} produced 12 invalid findings: message must be a non-empty string`],
      ["BAD002", dir, `rule BAD002 (package leastrole.rules.half_done, ${join(dir, "half_done.rego")}:6) of ${dir} produced ${doc.roles.length} invalid findings: severity must be one of critical, high, medium, low, info (got "severe" in the first)`],
    ]);
  });

  it("reports rules of the wrong shape, naming them, instead of dropping what they return", () => {
    const doc = syntheticDocument(3);
    const result = evaluateDocument(doc, [loadRulePack(join(packs, "wrong-shapes"))]);
    // The well-formed rule beside them still reports.
    expect(result.findings.map((f) => f.ruleId)).toEqual(["SHAPE004", "SHAPE004", "SHAPE004"]);
    const said = result.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.rule, d.message]);
    expect(said).toEqual(
      expect.arrayContaining([
        ["bad-finding", "SHAPE001", expect.stringMatching(/^rule SHAPE001 \(package leastrole\.rules\.strings, .*wrong-shapes\/strings\.rego:6\) of .*wrong-shapes produced 3 invalid findings: a finding must be an object \(got "function .*" in the first\)$/)],
        ["bad-result", "SHAPE002", expect.stringMatching(/^rule SHAPE002 \(package leastrole\.rules\.object_findings, .*wrong-shapes\/object_findings\.rego:6\) defines `findings` as an object, not a set or an array of findings/)],
        ["bad-result", "SHAPE003", expect.stringMatching(/^rule SHAPE003 \(package leastrole\.rules\.boolean_findings, .*\.rego:6\) defines `findings` as a boolean/)],
      ]),
    );
    // A result the rules did not give as findings means the pack did not run as written.
    expect(result.packs[0]!.failed).toBe(true);
  });

  it("refuses rules written where the entrypoint never looks, and warns of a stray findings", () => {
    const rule = (pkg: string, meta = true): string =>
      `${meta ? "# METADATA\n# title: T\n# custom:\n#   id: ORG001\n#   severity: high\n" : ""}package ${pkg}\n\nfindings contains {"resource": fn.arn, "message": "m"} if some fn in input.functions\n`;
    const good = readFileSync(join(packs, "custom", "no_owner_tag.rego"), "utf8");
    for (const pkg of ["acme.rules.prod_shared_role", "leastrole.rules.org.prod_shared_role", "leastrole.prod_shared_role"]) {
      const dir = mkdtempSync(join(tmpdir(), "lr-misplaced-"));
      writeFileSync(join(dir, "prod_shared_role.rego"), rule(pkg));
      writeFileSync(join(dir, "no_owner_tag.rego"), good);
      const err = expectPackError(() => loadRulePack(dir), new RegExp(`package ${pkg.replace(/\./g, "\\.")} declares rule ORG001 in its METADATA but is not a rule package.*rename it package leastrole\\.rules\\.prod_shared_role`));
      expect(err.file).toBe(join(dir, "prod_shared_role.rego"));
    }
    const dir = mkdtempSync(join(tmpdir(), "lr-stray-"));
    writeFileSync(join(dir, "helpers.rego"), rule("acme.helpers", false));
    writeFileSync(join(dir, "no_owner_tag.rego"), good);
    const pack = loadRulePack(dir);
    expect(pack.catalog.rules.map((r) => r.id)).toEqual(["ACME001"]);
    expect(pack.warnings).toEqual([`${join(dir, "helpers.rego")}: package acme.helpers defines \`findings\`, which never run: rules run only from package leastrole.rules.<name>, one name after "rules": rename it package leastrole.rules.helpers, with METADATA`]);
  });

  it("rejects a built-in that wasm cannot run at build time, in the words a prebuilt pack gets", () => {
    // opa build said "rego_type_error: undefined function time.now_ns", which reads like a typo.
    const folder = join(packs, "non-wasm-builtin");
    const err = expectPackError(() => loadRulePack(folder), /non-wasm-builtin: the rules call built-in functions that do not run in WebAssembly under Node: time\.now_ns \(.*uses_time\.rego:\d+\)\. Rewrite them without these built-ins/);
    expect(err.file).toBe(folder);
    expect(err.message).not.toMatch(/rego_type_error|\n/);
    const dir = mkdtempSync(join(tmpdir(), "lr-httpsend-"));
    const rule = (call: string): string =>
      `# METADATA\n# title: T\n# custom:\n#   id: ACME105\n#   severity: low\npackage leastrole.rules.calls_out\n\nfindings contains {"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": "m"} if {\n\tsome fn in input.functions\n\tresp := ${call}({"method": "GET", "url": "http://127.0.0.1:9/"})\n\tnot resp.body[fn.name]\n}\n`;
    writeFileSync(join(dir, "calls_out.rego"), rule("http.send"));
    expectPackError(() => loadRulePack(dir), /do not run in WebAssembly under Node: http\.send \(.*calls_out\.rego:\d+\)/);
    // A function OPA does not have at all is a typo: opa's own words say that best.
    writeFileSync(join(dir, "calls_out.rego"), rule("http.sned"));
    expectPackError(() => loadRulePack(dir), /opa build failed:[\s\S]*undefined function http\.sned/);
  });

  it("rejects, at load time, a module compiled with a broader capabilities file", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-caps-"));
    const caps = JSON.parse(readFileSync(builtinPackPaths().capabilities, "utf8")) as { builtins: unknown[] };
    caps.builtins.push({ name: "time.now_ns", decl: { type: "function", result: { type: "number" } }, nondeterministic: true });
    writeFileSync(join(dir, "caps.json"), JSON.stringify(caps));
    const entry = join(dir, "entry.rego");
    copyFileSync(builtinPackPaths().entrypoint, entry);
    const bundle = join(dir, "b.tar.gz");
    execFileSync(opa, ["build", "-t", "wasm", "--capabilities", join(dir, "caps.json"), "-e", "leastrole/findings", "-o", bundle, join(packs, "non-wasm-builtin"), entry]);
    const err = expectPackError(() => loadRulePack(bundle), /do not run in WebAssembly under Node: time\.now_ns/);
    expect(err.file).toBe(bundle);
  });

  it("requires METADATA on every rule package", () => {
    const err = expectPackError(() => loadRulePack(join(packs, "no-metadata")), /leastrole\.rules\.anonymous \(line \d+\) has no package METADATA/);
    expect(err.file).toMatch(/anonymous\.rego$/);
    const line = readFileSync(err.file as string, "utf8").split("\n").findIndex((l) => l.startsWith("package leastrole.rules.anonymous")) + 1;
    expect(err.message).toContain(`package leastrole.rules.anonymous (line ${line}) has no package METADATA`);
  });

  it("says a METADATA block written below the package line is the rule's, and to move it above", () => {
    // Before: "has no package METADATA", though the author had written one, a few lines down.
    const dir = mkdtempSync(join(tmpdir(), "lr-meta-below-"));
    writeFileSync(
      join(dir, "below.rego"),
      ["package leastrole.rules.below", "", "# METADATA", "# title: Below", "# custom:", "#   id: ACME123", "#   severity: low", 'findings contains {"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": "m"} if {', "\tsome fn in input.functions", "}", ""].join("\n"),
    );
    const err = expectPackError(() => loadRulePack(dir), /has no package METADATA/);
    expect(err.file).toBe(join(dir, "below.rego"));
    expect(err.message).toBe(
      `${join(dir, "below.rego")}: package leastrole.rules.below (line 1) has no package METADATA (title, custom.id, custom.severity are required): the METADATA block above line 8 is below the package line, so OPA gives it to the rule on that line (scope: rule); move it above \`package leastrole.rules.below\``,
    );
  });

  it("a rule in OPA v0 syntax is refused with opa's file and line, and how to rewrite it in v1", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-v0-"));
    writeFileSync(join(dir, "v0.rego"), ["# METADATA", "# title: V0", "# custom:", "#   id: ACME010", "#   severity: low", "package leastrole.rules.v0", "", "findings[finding] {", "\tfn := input.functions[_]", '\tfinding := {"resource": fn.arn, "message": "x"}', "}", ""].join("\n"));
    const err = expectPackError(() => loadRulePack(dir), /v0\.rego:8: rego_parse_error: `if` keyword is required before rule body/);
    expect(err.message).toContain(`OPA v0 syntax: leastrole compiles Rego v1; \`opa fmt --write --v0-v1 ${dir}\` rewrites it`);
  });

  it("a bundle built without -t wasm (Rego only) is compiled as a folder is, its rules named in the bundle; without opa it is refused with the command that builds one leastrole runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-rego-bundle-"));
    const bundle = join(dir, "rules.tar.gz");
    // `opa build` as OPA's docs show it: a Rego bundle, no -t wasm (before: refused, "build it with `opa build -t wasm`").
    execFileSync(opa, ["build", "--ignore", "*_test.rego", "-o", bundle, join(packs, "custom")]);
    const pack = loadRulePack(bundle);
    expect(pack.catalog.rules.map((r) => [r.id, r.severity, r.file])).toEqual([["ACME001", "low", expect.stringMatching(new RegExp(`^${bundle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}!.*no_owner_tag\\.rego$`))]]);
    expect(evaluateDocument(syntheticDocument(3, 1), [pack]).findings.map((f) => `${f.ruleId}/${f.severity}`)).toEqual(["ACME001/low", "ACME001/low", "ACME001/low"]);
    // A rule of such a bundle that aborts at evaluation is named by its path in the bundle, not
    // by the temporary copy it was compiled from.
    const conflict = join(dir, "conflict.tar.gz");
    execFileSync(opa, ["build", "-o", conflict, join(packs, "conflict")]);
    const failed = evaluateDocument(syntheticDocument(3, 1), [loadRulePack(conflict)]);
    expect(failed.diagnostics.map((d) => d.message).join("\n")).toMatch(new RegExp(`evaluation aborted: ${conflict.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}!\\S*\\.rego:\\d+`));
    // No opa: the whole command, with this installation's paths.
    const paths = builtinPackPaths();
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expectPackError(() => loadRulePack(bundle, { opaPath: join(dir, "no-opa-here") }), new RegExp(`Rego only \\(built without -t wasm\\).*opa build -t wasm -e leastrole/findings --ignore '\\*_test\\.rego' --capabilities ${esc(paths.capabilities)} -o rules\\.tar\\.gz <your rules folder> ${esc(paths.entrypoint)}`));
  });

  it("a Rego-only bundle built from a folder beside the current one (`opa build -o x.tar.gz ../rules`) is read: opa names its files /../rules/…", () => {
    // Before: every file was skipped as leaving the bundle, and the pack refused with "no rules
    // here: the folder has no .rego files other than tests".
    const dir = mkdtempSync(join(tmpdir(), "lr-rego-bundle-up-"));
    cpSync(join(packs, "custom"), join(dir, "rules"), { recursive: true });
    mkdirSync(join(dir, "ci"));
    execFileSync(opa, ["build", "-o", "rules.tar.gz", "../rules"], { cwd: join(dir, "ci") });
    const bundle = join(dir, "ci", "rules.tar.gz");
    expect(readTarGz(readFileSync(bundle)).has("../rules/no_owner_tag.rego")).toBe(true);
    const pack = loadRulePack(bundle);
    expect(pack.catalog.rules.map((r) => [r.id, r.file])).toEqual([["ACME001", `${bundle}!rules/no_owner_tag.rego`]]);
    expect(evaluateDocument(syntheticDocument(3, 1), [pack]).findings.map((f) => f.ruleId)).toEqual(["ACME001", "ACME001", "ACME001"]);
  });

  it("a rule reading data.leastrole whole fails with opa's recursion error, naming leastrole's entrypoint rather than a deleted temporary file", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-recursive-"));
    writeFileSync(join(dir, "opts.rego"), ["# METADATA", "# title: Opts", "# custom:", "#   id: ACME011", "#   severity: low", "package leastrole.rules.opts", "", 'cfg := object.get(data.leastrole, "config", {})', "", "findings contains finding if {", "\tsome fn in input.functions", '\tcount(cfg) > 0', '\tfinding := {"resource": fn.arn, "message": "x"}', "}", ""].join("\n"));
    const err = expectPackError(() => loadRulePack(dir), /rego_recursion_error/);
    expect(err.message).not.toMatch(/leastrole-pack-/);
    expect(err.message).toContain("leastrole's entrypoint (policies/leastrole.rego)");
    expect(err.message).toContain("read data.leastrole.config for the rule options");
  });

  it("refuses a rule reading a field the canonical document does not have, or a value of the wrong type, with its file and line; accepts the `== null` test of a nullable field", () => {
    // Each compiled, ran and, in wasm, silently found nothing: no error, no diagnostic, exit 0.
    const rule = (body: string): string =>
      `# METADATA\n# title: T\n# custom:\n#   id: ACME120\n#   severity: low\npackage leastrole.rules.typo\n\nfindings contains finding if {\n${body}\n\tfinding := {"resource": {"type": "role", "arn": role.arn, "name": role.name}, "message": "m"}\n}\n`;
    const cases: Array<[string, RegExp]> = [
      ["\tsome role in input.roles\n\trole.permissionBoundaryArn == null", /typo\.rego:10: rego_type_error: undefined ref: role\.permissionBoundaryArn[\s\S]*"permissionsBoundaryArn"/],
      ["\tsome role in input.role\n\trole.permissionsBoundaryArn == null", /typo\.rego:9: rego_type_error: undefined ref: input\.role\b[\s\S]*"roles"/],
      ["\tsome role in input.roles\n\tobject.get(role.name, \"owner\", \"\") == \"\"", /typo\.rego:10: rego_type_error: object\.get: invalid argument/],
    ];
    for (const [body, said] of cases) {
      const dir = mkdtempSync(join(tmpdir(), "lr-schema-"));
      writeFileSync(join(dir, "typo.rego"), rule(body));
      // A test's own input is the author's: not checked against the document's schema.
      writeFileSync(join(dir, "typo_test.rego"), `package leastrole.rules.typo_test\n\ntest_x if { input.nothing == 1 with input as {"nothing": 1} }\n`);
      const err = expectPackError(() => loadRulePack(dir), said);
      expect(err.message).toMatch(/: a rule does not match the canonical document \(input: schemas\/canonical\.schema\.json, docs\/canonical-document\.md\), so it would silently find nothing/);
      expect(err.file).toBe(dir);
    }
    // `type: ["null", "string"]` is read by OPA as a string alone; leastrole gives it the anyOf.
    const dir = mkdtempSync(join(tmpdir(), "lr-schema-"));
    writeFileSync(join(dir, "typo.rego"), rule("\tsome role in input.roles\n\trole.permissionsBoundaryArn == null\n\tsome fn in input.functions\n\tfn.kmsKeyArn == null\n\tfn.vpc == null\n\tfn.tags.owner"));
    const pack = loadRulePack(dir);
    expect(pack.catalog.rules.map((r) => r.id)).toEqual(["ACME120"]);
    expect(pack.warnings).toEqual([]);
  });

  it("warns of `not x.field` on a field the document gives as null, never absent, naming the file and line and the test to write", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-notnull-"));
    const text = [
      "# METADATA", "# title: T", "# custom:", "#   id: ACME121", "#   severity: low", "package leastrole.rules.no_boundary", "",
      "findings contains finding if {", "\tsome role in input.roles", "\tnot role.permissionsBoundaryArn # the mistake", "\tnot role.tags.owner",
      '\tfinding := {"resource": {"type": "role", "arn": role.arn, "name": role.name}, "message": "m"}', "}", "",
    ].join("\n");
    writeFileSync(join(dir, "no_boundary.rego"), text);
    const pack = loadRulePack(dir);
    expect(pack.warnings).toEqual([
      `${join(dir, "no_boundary.rego")}:10: \`not role.permissionsBoundaryArn\` is never true when it reads a role's or a principal's permissionsBoundaryArn, which is null when unknown, never absent (\`not null\` is false in Rego): write \`role.permissionsBoundaryArn == null\``,
    ]);
    // It is so: the rule finds nothing on a role without a boundary.
    const doc = syntheticDocument(4, 2);
    expect(doc.roles.some((r) => r.permissionsBoundaryArn === null)).toBe(true);
    expect(evaluateDocument(doc, [pack]).findings.filter((f) => f.ruleId === "ACME121")).toEqual([]);
  });

  it("says what OPA's wasm abort on 0 / 0 means and where the pack's rules divide; 1 / 0 stays undefined", () => {
    // Before: "evaluation aborted: opa_arith_divide: invalid number", naming no rule, file or line.
    const dir = mkdtempSync(join(tmpdir(), "lr-divide-"));
    const rule = (expr: string): string =>
      `# METADATA\n# title: T\n# custom:\n#   id: ACME122\n#   severity: low\npackage leastrole.rules.ratio\n\n# Layers per file system: "a/b" in a comment or string divides nothing.\nfindings contains finding if {\n\tsome fn in input.functions\n\tratio := ${expr}\n\tratio >= 0\n\tfinding := {"resource": {"type": "function", "arn": fn.arn, "name": "a/b"}, "message": "m"}\n}\n`;
    writeFileSync(join(dir, "ratio.rego"), rule("count(fn.layers) / count(fn.fileSystems)"));
    const doc = syntheticDocument(3, 1);
    const failed = evaluateDocument(doc, [loadRulePack(dir)]);
    expect(failed.findings).toEqual([]);
    expect(failed.diagnostics).toEqual([
      {
        severity: "error",
        code: "evaluation-failed",
        pack: dir,
        message: `evaluation aborted: opa_arith_divide: invalid number (a rule computed 0 / 0, on which OPA's WebAssembly aborts without saying where: guard the divisor, e.g. \`count(xs) > 0\`; the pack's rules divide at ${join(dir, "ratio.rego")}:11)`,
      },
    ]);
    // Any other division by zero is undefined, as docs/writing-rules.md says: no abort, no finding.
    writeFileSync(join(dir, "ratio.rego"), rule("1 / count(fn.fileSystems)"));
    const undefinedRatio = evaluateDocument(doc, [loadRulePack(dir)]);
    expect(undefinedRatio.diagnostics).toEqual([]);
    expect(undefinedRatio.findings).toEqual([]);
  });

  it("refuses a rule package that defines no `findings` (a conftest-style `deny`), naming the rule, the file and what it defines instead", () => {
    // `opa fmt --v0-v1` turns `deny[msg] { … }` into this; before, it compiled, ran and found nothing, exit 0.
    const dir = mkdtempSync(join(tmpdir(), "lr-no-findings-"));
    writeFileSync(
      join(dir, "deny.rego"),
      ["# METADATA", "# title: Deny", "# custom:", "#   id: ACME124", "#   severity: low", "package leastrole.rules.deny_style", "", "deny contains msg if {", "\tsome fn in input.functions", '\tmsg := sprintf("bad %s", [fn.name])', "}", ""].join("\n"),
    );
    const err = expectPackError(() => loadRulePack(dir), /defines no `findings`/);
    expect(err.file).toBe(join(dir, "deny.rego"));
    expect(err.message).toBe(
      `${join(dir, "deny.rego")}: rule ACME124 (package leastrole.rules.deny_style) defines no \`findings\`, so it would never find anything: leastrole reads data.leastrole.rules.deny_style.findings, a set or an array of findings; it defines \`deny\` (${join(dir, "deny.rego")}:8): name it findings and make each element a finding object {resource, message}`,
    );
    // `findings` in another file of the same package is found.
    writeFileSync(join(dir, "more.rego"), "package leastrole.rules.deny_style\n\nfindings := []\n");
    expect(loadRulePack(dir).catalog.rules.map((r) => r.id)).toEqual(["ACME124"]);
  });

  it("names a METADATA severity that is not one of the five, with its value and line", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-badseverity-"));
    writeFileSync(join(dir, "sev.rego"), ["# METADATA", "# title: Sev", "# custom:", "#   id: ACME009", "#   severity: severe", "package leastrole.rules.sev", "", "findings := []", ""].join("\n"));
    expectPackError(() => loadRulePack(dir), /sev\.rego: METADATA of package leastrole\.rules\.sev \(line \d+\): custom\.severity "severe" is not one of critical, high, medium, low, info$/);
  });

  it("runs a pack given twice once, however it is named", async () => {
    const doc = syntheticDocument(4, 2);
    const custom = join(packs, "custom");
    const once = auditDocument(doc, { rules: [custom], today: "2026-01-01" });
    expect(once.findings.filter((f) => f.ruleId === "ACME001")).toHaveLength(4);
    const cwd = process.cwd();
    try {
      process.chdir(packs);
      for (const rules of [[custom, custom], [custom, "./custom/"], [loadRulePack(custom), custom], ["builtin", custom, "builtin"]]) {
        expect(auditDocument(doc, { rules, today: "2026-01-01" }).findings).toEqual(once.findings);
      }
    } finally {
      process.chdir(cwd);
    }
    const pack = loadRulePack(custom);
    expect(evaluateDocument(doc, [loadBuiltinPack(), pack, loadBuiltinPack(), loadRulePack(custom)]).findings).toEqual(evaluateDocument(doc, [loadBuiltinPack(), pack]).findings);
    expect((await evaluateDocumentAsync(doc, [pack, pack], { evaluateWorkers: 0 })).findings).toHaveLength(4);
  });

  it("runs a config's relative pack from the config file's folder when the SDK is called from elsewhere", async () => {
    const root = mkdtempSync(join(tmpdir(), "lr-configpack-"));
    cpSync(join(packs, "custom"), join(root, "config", "rules"), { recursive: true });
    writeFileSync(join(root, "config", ".leastrole.yaml"), "rules:\n  packs: [./rules]\n");
    // The current folder has a pack of the same relative name with another rule: it must not run.
    cpSync(join(packs, "usage-labels"), join(root, "elsewhere", "rules"), { recursive: true });
    const cwd = process.cwd();
    try {
      process.chdir(join(root, "elsewhere"));
      const { report } = await audit([join(import.meta.dirname, "..", "..", "examples", "demo-account")], { config: loadConfig(join(root, "config", ".leastrole.yaml")) });
      expect([...new Set(report.findings.map((f) => f.ruleId).filter((id) => !id.startsWith("LR")))]).toEqual(["ACME001"]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("refuses a user rule that reuses a built-in id, or another pack's, naming both rules' files", () => {
    // Before: "rule id LR001 is defined by two packs (builtin and …)", naming neither rule's file.
    const copy = loadRulePack(join(packs, "duplicate-id"));
    const err = expectPackError(() => evaluateDocument(syntheticDocument(2), [loadBuiltinPack(), copy]), /^rule LR001 \(package leastrole\.rules\.copycat, .*copycat\.rego:6\) uses the LR prefix/);
    expect(err.file).toBe(join(packs, "duplicate-id"));
    const rule = (pkg: string): string => {
      const dir = mkdtempSync(join(tmpdir(), "lr-sameid-"));
      writeFileSync(
        join(dir, `${pkg}.rego`),
        `# METADATA\n# title: T\n# custom:\n#   id: ACME700\n#   severity: low\npackage leastrole.rules.${pkg}\n\n` +
          'findings contains {"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": "m"} if some fn in input.functions\n',
      );
      return dir;
    };
    const [one, two] = [rule("first"), rule("second")];
    const clash = expectPackError(
      () => auditDocument(syntheticDocument(2), { rules: [one, two] }),
      /^rule ACME700 \(package leastrole\.rules\.second, .*second\.rego:6\) has the id of rule ACME700 \(package leastrole\.rules\.first, .*first\.rego:6\) in .*: a rule id is one rule's: give custom rules their own id prefix$/,
    );
    expect(clash.file).toBe(two);
  });

  it("refuses a custom rule whose name is a built-in rule's or another pack's, as it refuses a reused id", () => {
    // rules.disable and suppressions pick rules by id or name: `disable: [shared-execution-role]`
    // turned off LR001 and the custom rule of that name alike, silently.
    const rule = (file: string, pkg: string, id: string, name?: string): string => {
      const dir = mkdtempSync(join(tmpdir(), "lr-rulename-"));
      writeFileSync(
        join(dir, file),
        `# METADATA\n# title: T\n# custom:\n#   id: ${id}\n${name ? `#   name: ${name}\n` : ""}#   severity: low\npackage leastrole.rules.${pkg}\n\n` +
          'findings contains {"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": "m"} if some fn in input.functions\n',
      );
      return dir;
    };
    const doc = syntheticDocument(2);
    const named = rule("shared_name.rego", "shared_name", "ACME301", "shared-execution-role");
    const err = expectPackError(
      () => evaluateDocument(doc, [loadBuiltinPack(), loadRulePack(named)]),
      /^rule ACME301 \(package leastrole\.rules\.shared_name, .*shared_name\.rego:\d+\) is named shared-execution-role, the name of rule LR001 \(package leastrole\.rules\.shared_execution_role.*\) in the built-in pack: rules\.disable and suppressions pick rules by id or name/,
    );
    expect(err.file).toBe(named);
    expect(err.message).toContain(join(named, "shared_name.rego"));
    // The same through the SDK's audit, and a name that is a built-in's by default (its package's).
    expectPackError(() => auditDocument(doc, { rules: [named], disable: ["shared-execution-role"] }), /is named shared-execution-role/);
    expectPackError(() => auditDocument(doc, { rules: [rule("shared_execution_role.rego", "shared_execution_role", "ACME302")] }), /rule ACME302 .* is named shared-execution-role, the name of rule LR001/);
    // A name that is a built-in id, and one name in two custom packs.
    expectPackError(() => auditDocument(doc, { rules: [rule("a.rego", "a", "ACME303", "lr001")] }), /rule ACME303 .* is named lr001, the id of rule LR001/);
    const one = rule("b.rego", "b", "ACME304", "acme-owner");
    const two = rule("c.rego", "c", "ACME305", "acme-owner");
    expectPackError(() => auditDocument(doc, { rules: [one, two] }), new RegExp(`rule ACME305 .* is named acme-owner, the name of rule ACME304 .* in ${one.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:`));
    // Names of their own pass.
    expect(auditDocument(doc, { rules: [rule("d.rego", "d", "ACME306", "acme-own-name")], today: "2026-01-01" }).findings.some((f) => f.ruleId === "ACME306")).toBe(true);
  });

  it("refuses a custom rule id with leastrole's LR prefix, even without the built-in pack", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-lrprefix-"));
    writeFileSync(
      join(dir, "lrprefix.rego"),
      '# METADATA\n# title: T\n# custom:\n#   id: LR500\n#   severity: low\npackage leastrole.rules.lrprefix\n\nfindings contains {"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": "m"} if some fn in input.functions\n',
    );
    const pack = loadRulePack(dir);
    for (const packs of [[loadBuiltinPack(), pack], [pack]]) {
      const err = expectPackError(() => evaluateDocument(syntheticDocument(2), packs), /^rule LR500 \(package leastrole\.rules\.lrprefix, .*lrprefix\.rego:6\) uses the LR prefix, which is leastrole's own .*: give custom rules their own id prefix/);
      expect(err.file).toBe(dir);
    }
  });

  it("refuses a folder that holds no rule, naming it, instead of running a pack with no rules", () => {
    const folder = (files: Record<string, string>): string => {
      const dir = mkdtempSync(join(tmpdir(), "lr-norules-"));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      return dir;
    };
    for (const [what, dir, pattern] of [
      ["an empty folder", folder({}), /no \.rego files other than tests/],
      ["only tests", folder({ "a_test.rego": "package leastrole.rules.a_test\n" }), /no \.rego files other than tests/],
      ["an input folder", folder({ "trail.json": "{\"Records\": []}" }), /no \.rego files other than tests/],
      ["Rego that is no rule", folder({ "helpers.rego": "package acme.helpers\n\nx := 1\n" }), /none of its \.rego files \(helpers\.rego\) is a rule/],
    ] as Array<[string, string, RegExp]>) {
      const err = expectPackError(() => loadRulePack(dir), pattern);
      expect(err.file, what).toBe(dir);
      expect(err.message, what).toMatch(/package leastrole\.rules\.<name>/);
    }
  });

  it("says what is wrong with files that are not packs", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-junk-"));
    writeFileSync(join(dir, "junk.wasm"), "not wasm at all");
    // Each message starts with the pack's path: with several packs, the user can tell which one
    // (before, "not valid WebAssembly …" alone, in e.message, for a junk .wasm).
    const junk = expectPackError(() => loadRulePack(join(dir, "junk.wasm")), /: not valid WebAssembly .*: expected a \.wasm module, an OPA bundle/);
    expect(junk.message.startsWith(`${join(dir, "junk.wasm")}: not valid`)).toBe(true);
    expect(String(junk)).toBe(junk.message);
    writeFileSync(join(dir, "junk.bin"), "not wasm at all");
    expect(expectPackError(() => loadRulePack(join(dir, "junk.bin")), /: not a rule pack: expected a \.wasm module, an OPA bundle/).message.startsWith(join(dir, "junk.bin"))).toBe(true);
    // One .rego file: said to give its folder (before: "not a rule pack", as for any other file).
    expectPackError(() => loadRulePack(join(packs, "custom", "no_owner_tag.rego")), new RegExp(`: a single \\.rego file is not a rule pack: give its folder \\(--rules ${join(packs, "custom").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\), whose \\.rego files are compiled together: expected a \\.wasm module`));
    writeFileSync(join(dir, "bad.wasm"), Buffer.concat([Buffer.from("\0asm"), Buffer.from([1, 0, 0, 0, 99])]));
    expect(expectPackError(() => loadRulePack(join(dir, "bad.wasm")), /not a valid WebAssembly module/).message.startsWith(join(dir, "bad.wasm"))).toBe(true);
    writeFileSync(join(dir, "bad.tar.gz"), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    expect(expectPackError(() => loadRulePack(join(dir, "bad.tar.gz")), /not a readable OPA bundle/).message.startsWith(join(dir, "bad.tar.gz"))).toBe(true);
    // .tar.gz files that are no bundle, each said for what it is. Before: a JSON file named .tar.gz
    // was "bad size field "ction:orders" in tar header", and gzip data holding no tar, or a tar of
    // other files, "the bundle has no policy.wasm".
    copyFileSync(join(import.meta.dirname, "..", "..", "examples", "demo-account", "lambda", "us-east-1", "list-functions.json"), join(dir, "json.tar.gz"));
    expectPackError(() => loadRulePack(join(dir, "json.tar.gz")), /: not a readable OPA bundle: it is neither gzip-compressed nor a tar archive \(it starts with "\{\.  \\"Functions\\"/);
    writeFileSync(join(dir, "notar.tar.gz"), gzipSync("policy.wasm is not here"));
    expectPackError(() => loadRulePack(join(dir, "notar.tar.gz")), /: not a readable OPA bundle: the gzip data holds no tar archive \(it starts with "policy\.wasm is not here"\)$/);
    mkdirSync(join(dir, "docs"));
    writeFileSync(join(dir, "docs", "README.md"), "rules\n");
    execFileSync("tar", ["czf", join(dir, "docs.tar.gz"), "-C", dir, "docs"]);
    expectPackError(() => loadRulePack(join(dir, "docs.tar.gz")), /: not an OPA bundle: the archive has no policy\.wasm and no \.rego file \(it holds docs\/README\.md\), and leastrole runs WebAssembly: build it with `opa build -t wasm/);
    // The path in the message, which is all an SDK user printing e.message sees; once in the line.
    const missing = expectPackError(() => loadRulePack(join(dir, "missing")), /rule pack not found/);
    expect(missing.message).toBe(`${join(dir, "missing")}: rule pack not found`);
    expect(String(missing)).toBe(missing.message);
  });

  it("refuses rules given as one string instead of an array, saying how to write it", async () => {
    // A string spread into characters: packs ".", "/", "x" … and an error about a path never given.
    const doc = syntheticDocument(2);
    const said = /^rules must be an array of paths or packs \(got the string "\.\/org-rules\.wasm": write rules: \["\.\/org-rules\.wasm"\]\)$/;
    const wrong = { rules: "./org-rules.wasm" } as unknown as { rules: string[] };
    expect(() => auditDocument(doc, wrong)).toThrow(TypeError);
    expect(() => auditDocument(doc, wrong)).toThrow(said);
    await expect(auditDocumentAsync(doc, wrong)).rejects.toThrow(said);
    await expect(audit([join(import.meta.dirname, "..", "..", "examples", "demo-account")], wrong)).rejects.toThrow(said);
  });

  it("says how to get opa when a .rego folder is given and none is installed", () => {
    const saved = { path: process.env.PATH, opa: process.env.LEASTROLE_OPA };
    try {
      process.env.PATH = "/nonexistent";
      delete process.env.LEASTROLE_OPA;
      const e = expectPackError(() => loadRulePack(join(packs, "custom")), /needs the OPA CLI .* put `opa` on PATH or set LEASTROLE_OPA, or pass a pack built where opa is .*: (\S+writing-rules\.md)\)$/);
      // The doc it names is a file there (the installed package's copy, which ships), not a bare docs/….
      const named = /: (\S+writing-rules\.md)\)$/.exec(e.message)![1]!;
      expect(named).toBe(join(builtinPackPaths().entrypoint, "..", "..", "docs", "writing-rules.md"));
      expect(existsSync(named)).toBe(true);
    } finally {
      process.env.PATH = saved.path;
      process.env.LEASTROLE_OPA = saved.opa;
    }
  });
});
