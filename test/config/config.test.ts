import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { findConfig, findNearestConfig, loadConfig, packsOf, suppressionsOf } from "../../src/config/index.js";
import { findNearestConfigs, WINDOW_DAYS } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import { generateConfigSchema } from "../../scripts/build-config-schema.js";
import { auditDocument, evaluationOptionsOf } from "../../src/audit/index.js";
import { catalogFromInspect, parseCatalog } from "../../src/evaluate/catalog.js";
import { loadBuiltinPack } from "../../src/evaluate/pack.js";
import { syntheticDocument } from "../support/synthetic-document.js";

const dir = mkdtempSync(join(tmpdir(), "lr-config-"));
function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function problem(file: string): string {
  try {
    loadConfig(file);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).toString();
  }
  throw new Error("expected a ConfigError");
}

describe("configuration file", () => {
  it("reads a full YAML config", () => {
    const file = write(
      ".leastrole.yaml",
      `version: 1
suppressions:
  - rule: LR001
    resource: "arn:aws:iam::123456789012:role/legacy-*"
    reason: split tracked in PLAT-42
    expires: 2027-03-31
exceptions:
  - function: orders-*
    actions: [dynamodb:RestoreTableFromBackup]
    reason: disaster recovery runbook DR-7
usage:
  windowDays: 45
rules:
  disable: [LR017]
  packs: [./org-rules]
  options:
    sensitivity_tag_keys: [DataClass]
scope: account
`,
    );
    const config = loadConfig(file);
    expect(config.usage?.windowDays).toBe(45);
    expect(config.scope).toBe("account");
    expect(suppressionsOf(config, file)).toEqual([
      { rule: "LR001", resource: "arn:aws:iam::123456789012:role/legacy-*", reason: "split tracked in PLAT-42", expires: "2027-03-31", origin: `config:${relative(process.cwd(), file)}` },
    ]);
    expect(packsOf(config, file)).toEqual([join(dir, "org-rules")]);
    expect(findConfig(dir)).toBe(file);
  });

  it("gives back rules.packs resolved against the config file's folder, whatever the current directory", () => {
    // An SDK user hands the loaded object to audit(), which does not know where it was read from:
    // a pack path left relative would be looked up in the current directory instead.
    const sub = join(dir, "nested");
    mkdirSync(sub, { recursive: true });
    const file = join(sub, ".leastrole.yaml");
    writeFileSync(file, "rules:\n  packs: [./team-rules.wasm, ../shared/org-rules, /opt/rules/abs.tar.gz]\n");
    const cwd = process.cwd();
    try {
      process.chdir(tmpdir());
      const config = loadConfig(file);
      const expected = [join(sub, "team-rules.wasm"), join(dir, "shared", "org-rules"), "/opt/rules/abs.tar.gz"];
      expect(config.rules?.packs).toEqual(expected);
      // The CLI's path (packsOf with the file) gives the same packs from the loaded config.
      expect(packsOf(config, file)).toEqual(expected);
      expect(packsOf(config)).toEqual(expected);
    } finally {
      process.chdir(cwd);
    }
  });

  it("names the file, the place and the problem for every mistake", () => {
    const file = write(
      "bad.yaml",
      `suppressions:
  - rule: LR001
    resource: "*"
    reason: ""
    expires: next week
  - rule: LR002
scope: everything
usage: { windowDay: 30 }
`,
    );
    const msg = problem(file);
    // Named as given (here an absolute path): before, relative to the current folder, a path the
    // caller never wrote.
    expect(msg.startsWith(`${file}: `), msg).toBe(true);
    expect(msg).toContain("suppressions[0].reason: must not be empty");
    expect(msg).toContain("suppressions[0].expires: must be a date YYYY-MM-DD");
    expect(msg).toContain('suppressions[1]: "resource" is required');
    expect(msg).toContain('suppressions[1]: "reason" is required');
    expect(msg).toContain('scope: must be one of "account", "execution-roles"');
    expect(msg).toContain('usage: unknown key "windowDay"');
  });

  it("names the file as given in every error, absolute or relative: not found, unreadable, YAML, JSON, schema", () => {
    const bad = write("as-given.yaml", "version: 1\nsuppresions: []\n");
    const json = write("as-given.json", '{"version": 1,');
    const yamlSyntax = write("as-given-syntax.yaml", "version: 1\nusage: [\n");
    for (const file of [bad, json, yamlSyntax, join(dir, "missing.yaml"), dir]) {
      // `./` kept: the path as typed, not as path.relative would write it.
      for (const given of [file, `./${relative(process.cwd(), file)}`]) {
        const msg = problem(given);
        expect(msg.startsWith(`${given}: `), msg).toBe(true);
      }
    }
  });

  it("holds usage.windowDays to what --window-days takes, with the same words", () => {
    for (const [value, got] of [["-5", "-5"], ["0", "0"], ["30.5", "30.5"], ["401", "401"], ['"thirty"', '"thirty"'], ['"30"', '"30"'], ["null", "null"]] as Array<[string, string]>) {
      const msg = problem(write(`window-${value.replace(/\W/g, "_")}.yaml`, `usage: { windowDays: ${value} }\n`));
      expect(msg, value).toMatch(new RegExp(`: usage\\.windowDays: must be a whole number of days from 1 to 400 \\(got ${got.replace(/[.*()]/g, "\\$&")}\\)$`));
    }
    for (const ok of [1, 30, 400]) expect(loadConfig(write(`window-${ok}.yaml`, `usage: { windowDays: ${ok} }\n`)).usage?.windowDays).toBe(ok);
    // The schema's bounds are the flag's.
    const schema = JSON.parse(readFileSync(join(packageRoot(), "schemas", "config.schema.json"), "utf8")) as { properties: { usage: { properties: { windowDays: Record<string, unknown> } } } };
    expect(schema.properties.usage.properties.windowDays).toMatchObject({ type: "integer", minimum: WINDOW_DAYS.min, maximum: WINDOW_DAYS.max });
  });

  it("refuses a suppression that expires on a day the calendar does not have", () => {
    const msg = problem(write("feb30.yaml", `suppressions:\n  - { rule: LR001, resource: "*", reason: r, expires: 2027-03-31 }\n  - { rule: LR002, resource: "*", reason: r, expires: 2027-02-30 }\n`));
    expect(msg).toBe(`${join(dir, "feb30.yaml")}: suppressions[1].expires: 2027-02-30 is not a day of the calendar (YYYY-MM-DD)`);
    expect(loadConfig(write("leap.yaml", `suppressions:\n  - { rule: LR001, resource: "*", reason: r, expires: 2028-02-29 }\n`)).suppressions?.[0]?.expires).toBe("2028-02-29");
  });

  it("reports YAML syntax errors with line and column, and unreadable files", () => {
    expect(problem(write("syntax.yaml", "suppressions:\n  - rule: [unclosed\n"))).toMatch(/not valid YAML at line \d+, column \d+/);
    // The position once, and no dangling colon: before, "… at line 2, column 1: Flow sequence … at line 2, column 1:".
    const flow = problem(write("flow.yaml", "version: [\n"));
    expect(flow).toMatch(/not valid YAML at line 2, column 1: [^\n]*[^:]$/);
    expect(flow.match(/at line \d+, column \d+/g)).toHaveLength(1);
    expect(problem(write("dup.yaml", "scope: account\nscope: account\n"))).toMatch(/not valid YAML/);
    expect(problem(write("bad.json", "{ nope"))).toMatch(/not valid JSON/);
    expect(problem(join(dir, "missing.yaml"))).toMatch(/config file not found/);
  });

  it("accepts an empty file as the defaults", () => {
    expect(loadConfig(write("empty.yaml", ""))).toEqual({});
  });

  it("suggests the key meant for an unknown key, wherever it is in the file", () => {
    const msg = problem(
      write(
        "typos.yaml",
        `suppresions: []
usage: { windowDay: 30 }
rules: { disabel: [LR017] }
exceptions:
  - { function: "orders-*", actions: [s3:GetObject], reasn: DR }
`,
      ),
    );
    expect(msg.startsWith(`${join(dir, "typos.yaml")}: `), msg).toBe(true);
    expect(msg).toContain('(top level): unknown key "suppresions": did you mean "suppressions"?');
    expect(msg).toContain('usage: unknown key "windowDay": did you mean "windowDays"?');
    expect(msg).toContain('rules: unknown key "disabel": did you mean "disable"?');
    expect(msg).toContain('exceptions[0]: unknown key "reasn": did you mean "reason"?');
    // Nothing near: no suggestion.
    expect(problem(write("far.yaml", "colour: blue\n"))).toMatch(/\(top level\): unknown key "colour"$/);
  });

  it("refuses rules.options.scope, which the top-level scope would override without a word", () => {
    expect(problem(write("opt-scope.yaml", "rules:\n  options: { scope: account }\n"))).toBe(
      `${join(dir, "opt-scope.yaml")}: rules.options.scope: scope is set at the top level of the file (scope: execution-roles or scope: account), not under rules.options`,
    );
  });

  it("keeps schemas/config.schema.json in step with the LeastroleConfig type", () => {
    expect(readFileSync(join(packageRoot(), "schemas", "config.schema.json"), "utf8")).toBe(generateConfigSchema());
  });
});

describe("finding the config file", () => {
  // A tree of real folders: `.git` as git writes it (a folder; a file for a worktree or submodule).
  const top = mkdtempSync(join(tmpdir(), "lr-config-find-"));
  const at = (...parts: string[]) => join(top, ...parts);
  const put = (path: string, text = "version: 1\n") => {
    mkdirSync(dirname(at(path)), { recursive: true });
    writeFileSync(at(path), text);
  };
  put(".leastrole.yaml"); // above the repository: never applies inside it
  put("repo/.git/HEAD", "ref: refs/heads/main\n");
  put("repo/.leastrole.yaml");
  put("repo/infra/prod/main.tf", "");
  put("repo/apps/.leastrole.json", "{}");
  put("repo/apps/.leastrole.yml");
  put("repo/apps/api/handler.py", "");
  put("repo/vendored/.git", "gitdir: ../.git/modules/vendored\n");
  put("repo/vendored/src/x.py", "");
  put("loose/deep/er/x.txt", "");

  it("findConfig looks in the folder given only, as it always did", () => {
    expect(findConfig(at("repo"))).toBe(at("repo", ".leastrole.yaml"));
    expect(findConfig(at("repo", "infra", "prod"))).toBeUndefined();
  });

  it("findNearestConfig takes the nearest folder upwards holding one, in CONFIG_FILE_NAMES order", () => {
    expect(findNearestConfig(at("repo", "infra", "prod"))).toBe(at("repo", ".leastrole.yaml"));
    expect(findNearestConfig(at("repo"))).toBe(at("repo", ".leastrole.yaml"));
    expect(findNearestConfig(at("repo", "apps", "api"))).toBe(at("repo", "apps", ".leastrole.yml"));
    expect(findNearestConfigs(at("repo", "apps", "api"))).toEqual([at("repo", "apps", ".leastrole.yml"), at("repo", "apps", ".leastrole.json")]);
  });

  it("findNearestConfig stops at the repository's root (a .git folder or file), else at the filesystem's root", () => {
    expect(findNearestConfig(at("repo", "vendored", "src"))).toBeUndefined();
    expect(findNearestConfigs(at("repo", "vendored"))).toEqual([]);
    expect(findNearestConfig(at("loose", "deep", "er"))).toBe(at(".leastrole.yaml"));
    // A relative folder is taken against the current one; none given is the current folder.
    const cwd = process.cwd();
    try {
      process.chdir(at("repo", "infra"));
      expect(findNearestConfig("prod")).toBe(at("repo", ".leastrole.yaml"));
      expect(findNearestConfig()).toBe(at("repo", ".leastrole.yaml"));
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("rules.options", () => {
  const doc = syntheticDocument(4);
  const configError = (run: () => unknown): string => {
    try {
      run();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).toString();
    }
    throw new Error("expected a ConfigError");
  };

  it("the built-in rules declare the options they read: LR001 reads sensitivity_tag_keys", () => {
    const lr001 = loadBuiltinPack().catalog.rules.find((r) => r.id === "LR001")!;
    expect(lr001.options?.map((o) => o.name)).toEqual(["sensitivity_tag_keys"]);
    expect(lr001.options?.[0]?.description).toMatch(/^Tag keys that carry a data classification/);
  });

  it("a key no rule declares is refused, naming the config file as given, the key and the option meant", () => {
    const file = write("opt-typo.yaml", "rules:\n  options: { sensitivity_tag_key: [data-classification] }\n");
    const options = evaluationOptionsOf(loadConfig(file), file);
    const msg = configError(() => auditDocument(doc, options));
    expect(msg.split("\n")[0]).toBe(
      `${file}: rules.options.sensitivity_tag_key: no rule of the packs run reads an option "sensitivity_tag_key", so it would set nothing: did you mean "sensitivity_tag_keys"?`,
    );
    expect(msg).toContain("custom.options in its METADATA");
    // The same from the SDK without a config file.
    expect(configError(() => auditDocument(doc, { ruleOptions: { sensitivity_tagkeys: [] } }))).toMatch(/^rules\.options\.sensitivity_tagkeys: .*did you mean "sensitivity_tag_keys"\?/);
  });

  it("declared keys, and the evaluator's own scope, are accepted", () => {
    const file = write("opt-ok.yaml", "scope: account\nrules:\n  options: { sensitivity_tag_keys: [data-classification] }\n");
    expect(auditDocument(doc, evaluationOptionsOf(loadConfig(file), file)).summary.functions).toBe(doc.functions.length);
  });

  it("custom.options in METADATA: a map of name to description, or a list of names; a bad or reserved name is a pack error", () => {
    const inspect = (options: unknown) => ({
      annotations: [{ annotations: { scope: "package", title: "T", custom: { id: "ACME001", severity: "low", options } }, location: { file: "x.rego", row: 1 }, path: ["data", "leastrole", "rules", "x"].map((value) => ({ type: "var", value })) }],
    });
    expect(catalogFromInspect(inspect({ owner_tag: " The tag key naming the team. ", max_age: "Days" })).rules[0]!.options).toEqual([
      { name: "max_age", description: "Days" },
      { name: "owner_tag", description: "The tag key naming the team." },
    ]);
    expect(catalogFromInspect(inspect(["owner_tag"])).rules[0]!.options).toEqual([{ name: "owner_tag", description: "" }]);
    expect(catalogFromInspect(inspect(undefined)).rules[0]!.options).toBeUndefined();
    expect(() => catalogFromInspect(inspect({ "owner-tag": "x" }))).toThrow(/custom\.options: "owner-tag" is not an option name/);
    expect(() => catalogFromInspect(inspect({ scope: "x" }))).toThrow(/custom\.options: "scope" is set by leastrole itself/);
    expect(() => catalogFromInspect(inspect("owner_tag"))).toThrow(/custom\.options must be a map/);
  });

  it("custom.needs_usage in METADATA: true is carried as needsUsage, false or absent leaves it out, anything else is a pack error", () => {
    const inspect = (needs_usage: unknown) => ({
      annotations: [{ annotations: { scope: "package", title: "T", custom: { id: "ACME001", severity: "low", needs_usage } }, location: { file: "x.rego", row: 1 }, path: ["data", "leastrole", "rules", "x"].map((value) => ({ type: "var", value })) }],
    });
    const catalog = catalogFromInspect(inspect(true));
    expect(catalog.rules[0]!.needsUsage).toBe(true);
    expect(catalogFromInspect(inspect(false)).rules[0]).not.toHaveProperty("needsUsage");
    expect(catalogFromInspect(inspect(undefined)).rules[0]).not.toHaveProperty("needsUsage");
    // A string is refused, not read as true: "no" would keep the rule's findings from ever being fixed in a diff.
    expect(() => catalogFromInspect(inspect("no"))).toThrow(/custom\.needs_usage must be true or false \(got "no"\)/);
    // A catalog.json shipped with a pack keeps it; a hand-edited one of another type is refused.
    expect(parseCatalog(JSON.parse(JSON.stringify(catalog))).rules[0]!.needsUsage).toBe(true);
    expect(() => parseCatalog({ ...catalog, rules: [{ ...catalog.rules[0]!, needsUsage: "yes" }] })).toThrow(/rules\[0\]\.needsUsage must be true or false/);
  });

  it("custom.usage_raises_severity in METADATA: true is carried as usageRaisesSeverity, anything but a boolean is a pack error", () => {
    const inspect = (usage_raises_severity: unknown) => ({
      annotations: [{ annotations: { scope: "package", title: "T", custom: { id: "ACME001", severity: "low", usage_raises_severity } }, location: { file: "x.rego", row: 1 }, path: ["data", "leastrole", "rules", "x"].map((value) => ({ type: "var", value })) }],
    });
    const catalog = catalogFromInspect(inspect(true));
    expect(catalog.rules[0]!.usageRaisesSeverity).toBe(true);
    expect(catalog.rules[0]).not.toHaveProperty("needsUsage");
    expect(catalogFromInspect(inspect(false)).rules[0]).not.toHaveProperty("usageRaisesSeverity");
    expect(() => catalogFromInspect(inspect("yes"))).toThrow(/custom\.usage_raises_severity must be true or false \(got "yes"\)/);
    expect(parseCatalog(JSON.parse(JSON.stringify(catalog))).rules[0]!.usageRaisesSeverity).toBe(true);
    expect(() => parseCatalog({ ...catalog, rules: [{ ...catalog.rules[0]!, usageRaisesSeverity: 1 }] })).toThrow(/rules\[0\]\.usageRaisesSeverity must be true or false/);
  });

  it("custom.needs_functions in METADATA: true is carried as needsFunctions, anything but a boolean is a pack error", () => {
    const inspect = (needs_functions: unknown) => ({
      annotations: [{ annotations: { scope: "package", title: "T", custom: { id: "ACME001", severity: "low", needs_functions } }, location: { file: "x.rego", row: 1 }, path: ["data", "leastrole", "rules", "x"].map((value) => ({ type: "var", value })) }],
    });
    const catalog = catalogFromInspect(inspect(true));
    expect(catalog.rules[0]!.needsFunctions).toBe(true);
    expect(catalogFromInspect(inspect(undefined)).rules[0]).not.toHaveProperty("needsFunctions");
    expect(() => catalogFromInspect(inspect("true"))).toThrow(/custom\.needs_functions must be true or false \(got "true"\)/);
    expect(parseCatalog(JSON.parse(JSON.stringify(catalog))).rules[0]!.needsFunctions).toBe(true);
    expect(() => parseCatalog({ ...catalog, rules: [{ ...catalog.rules[0]!, needsFunctions: "yes" }] })).toThrow(/rules\[0\]\.needsFunctions must be true or false/);
  });

  it("custom.needs_triggers in METADATA: true is carried as needsTriggers, anything but a boolean is a pack error", () => {
    const inspect = (needs_triggers: unknown) => ({
      annotations: [{ annotations: { scope: "package", title: "T", custom: { id: "ACME001", severity: "low", needs_triggers } }, location: { file: "x.rego", row: 1 }, path: ["data", "leastrole", "rules", "x"].map((value) => ({ type: "var", value })) }],
    });
    const catalog = catalogFromInspect(inspect(true));
    expect(catalog.rules[0]!.needsTriggers).toBe(true);
    expect(catalogFromInspect(inspect(undefined)).rules[0]).not.toHaveProperty("needsTriggers");
    expect(() => catalogFromInspect(inspect("true"))).toThrow(/custom\.needs_triggers must be true or false \(got "true"\)/);
    expect(parseCatalog(JSON.parse(JSON.stringify(catalog))).rules[0]!.needsTriggers).toBe(true);
    expect(() => parseCatalog({ ...catalog, rules: [{ ...catalog.rules[0]!, needsTriggers: "yes" }] })).toThrow(/rules\[0\]\.needsTriggers must be true or false/);
  });

  it("custom.needs_calls in METADATA: true is carried as needsCalls, anything but a boolean is a pack error", () => {
    const inspect = (needs_calls: unknown) => ({
      annotations: [{ annotations: { scope: "package", title: "T", custom: { id: "ACME001", severity: "low", needs_calls } }, location: { file: "x.rego", row: 1 }, path: ["data", "leastrole", "rules", "x"].map((value) => ({ type: "var", value })) }],
    });
    const catalog = catalogFromInspect(inspect(true));
    expect(catalog.rules[0]!.needsCalls).toBe(true);
    expect(catalogFromInspect(inspect(undefined)).rules[0]).not.toHaveProperty("needsCalls");
    expect(catalogFromInspect(inspect(false)).rules[0]).not.toHaveProperty("needsCalls");
    expect(() => catalogFromInspect(inspect("yes"))).toThrow(/custom\.needs_calls must be true or false \(got "yes"\)/);
    expect(parseCatalog(JSON.parse(JSON.stringify(catalog))).rules[0]!.needsCalls).toBe(true);
    expect(() => parseCatalog({ ...catalog, rules: [{ ...catalog.rules[0]!, needsCalls: "yes" }] })).toThrow(/rules\[0\]\.needsCalls must be true or false/);
  });

  it("custom.unused_actions_evidence in METADATA: an evidence field's name is carried as unusedActionsEvidence, anything else is a pack error", () => {
    const inspect = (unused_actions_evidence: unknown) => ({
      annotations: [{ annotations: { scope: "package", title: "T", custom: { id: "ACME001", severity: "low", unused_actions_evidence } }, location: { file: "x.rego", row: 1 }, path: ["data", "leastrole", "rules", "x"].map((value) => ({ type: "var", value })) }],
    });
    const catalog = catalogFromInspect(inspect("unused"));
    expect(catalog.rules[0]!.unusedActionsEvidence).toBe("unused");
    expect(catalogFromInspect(inspect(undefined)).rules[0]).not.toHaveProperty("unusedActionsEvidence");
    // true, or a path, names no field: diff would find nothing to check and never call the finding fixed.
    expect(() => catalogFromInspect(inspect(true))).toThrow(/custom\.unused_actions_evidence must name a field of the findings' evidence \(got true\)/);
    expect(() => catalogFromInspect(inspect("evidence.unused"))).toThrow(/custom\.unused_actions_evidence must name a field/);
    expect(parseCatalog(JSON.parse(JSON.stringify(catalog))).rules[0]!.unusedActionsEvidence).toBe("unused");
    expect(() => parseCatalog({ ...catalog, rules: [{ ...catalog.rules[0]!, unusedActionsEvidence: "" }] })).toThrow(/rules\[0\]\.unusedActionsEvidence must name a field/);
  });
});
