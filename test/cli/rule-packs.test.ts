/**
 * Custom rule packs through the CLI as a user gives them (the built binary, spawned): how `--rules`
 * is parsed, and that a pack that is wrong says so with exit code 2 instead of vanishing.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { pinnedOpa } from "../support/opa.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const demo = join("examples", "demo-account");
const packs = join("test", "fixtures", "packs");
let opa: string;

function run(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", LEASTROLE_OPA: opa }, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The findings of a JSON report (the report also lists its inputs, which differ as given). */
function findingsOf(stdout: string): unknown {
  return (JSON.parse(stdout) as { findings: unknown }).findings;
}

function ruleIds(stdout: string): string[] {
  return [...new Set((JSON.parse(stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId))].sort();
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  opa = pinnedOpa();
});

describe("the README's example rule, as written there", () => {
  it("runs on a SAM template and names the function as the template does", () => {
    // Before, its message named fn.name, the FunctionName in AWS, where the built-in rules (and
    // docs/writing-rules.md) name a template's function by its logical ID.
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const rego = /```rego\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(rego).toContain("package leastrole.rules.no_owner_tag");
    const dir = mkdtempSync(join(tmpdir(), "readme-rule-"));
    mkdirSync(join(dir, "rules"));
    writeFileSync(join(dir, "rules", "no_owner_tag.rego"), rego as string);
    writeFileSync(
      join(dir, "template.yaml"),
      [
        "Transform: AWS::Serverless-2016-10-31",
        "Resources:",
        "  ResizeImages:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      FunctionName: image-resizer-prod",
        "      Runtime: python3.12",
        "      Handler: app.handler",
        "      CodeUri: src/",
        "",
      ].join("\n"),
    );
    const r = run(["audit", join(dir, "template.yaml"), "--rules", join(dir, "rules"), "-f", "json", "-q"]);
    expect([0, 1]).toContain(r.code);
    const acme = (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; message: string; resource: { name: string } }> }).findings.filter((f) => f.ruleId === "ACME001");
    expect(acme.map((f) => [f.message, f.resource.name])).toEqual([["Function ResizeImages has no owner tag", "image-resizer-prod"]]);
  });
});

describe("--rules", () => {
  it("takes one pack per flag: the inputs after it stay inputs, and it can come before them", () => {
    const whole = run(["audit", demo, "--rules", join(packs, "custom"), "-f", "json", "-q"]);
    expect(whole.code, whole.stderr).toBe(0);
    const ids = ruleIds(whole.stdout);
    // The usage findings need the CloudTrail folder: they are there only if it was read as an input.
    expect(ids).toEqual(expect.arrayContaining(["ACME001", "LR008", "LR009", "LR017"]));
    const split = run(["audit", join(demo, "iam"), join(demo, "lambda"), "--rules", join(packs, "custom"), join(demo, "cloudtrail"), "-f", "json", "-q"]);
    expect(split.code, split.stderr).toBe(0);
    expect(findingsOf(split.stdout)).toEqual(findingsOf(whole.stdout));
    const first = run(["audit", "--rules", join(packs, "custom"), demo, "-f", "json", "-q"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(whole.stdout);
  });

  it("is repeatable, in audit, rules and explain", () => {
    const both = ["--rules", join(packs, "custom"), "--rules", join(packs, "array")];
    const audited = run(["audit", demo, ...both, "-f", "json", "-q"]);
    expect(audited.code, audited.stderr).toBe(0);
    expect(ruleIds(audited.stdout)).toEqual(expect.arrayContaining(["ACME001", "ACME002", "LR001"]));
    const listed = run(["rules", ...both]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^ACME001 /m);
    expect(listed.stdout).toMatch(/^ACME002 /m);
    for (const id of ["ACME001", "ACME002"]) expect(run(["explain", id, ...both]).code).toBe(0);
  });

  it("explain of a rule without a description (the README's example rule) prints no empty paragraph", () => {
    // The README's rule, as written there: title, custom.id, custom.severity, custom.remediation; no description.
    const dir = mkdtempSync(join(tmpdir(), "leastrole-readme-rule-"));
    writeFileSync(
      join(dir, "no_owner_tag.rego"),
      [
        "# METADATA",
        "# title: Function without an owner tag",
        "# custom:",
        "#   id: ACME001",
        "#   severity: low",
        "#   remediation: Tag the function with owner=<team>.",
        "package leastrole.rules.no_owner_tag",
        "",
        "findings contains finding if {",
        "\tsome fn in input.functions",
        "\tnot fn.tags.owner",
        '\tfinding := {"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": sprintf("Function %s has no owner tag", [fn.name])}',
        "}",
        "",
      ].join("\n"),
    );
    const explained = run(["explain", "ACME001", "--rules", dir]);
    expect(explained.code, explained.stderr).toBe(0);
    // Before: the title, then three empty lines (an empty description between two blank lines).
    expect(explained.stdout).toBe("ACME001 no-owner-tag (low, general)\nFunction without an owner tag\n\nHow to fix:\nTag the function with owner=<team>.\n");
  });

  it("an OPA bundle built as docs/writing-rules.md says: audit, rules and explain know its rules by their METADATA ids", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-packs-bundle-"));
    const bundle = join(dir, "my-rules.tar.gz");
    const entry = join(root, "policies", "leastrole.rego");
    const built = spawnSync(opa, ["build", "-t", "wasm", "-e", "leastrole/findings", "--ignore", "*_test.rego", "--capabilities", join(root, "policies", "capabilities.json"), "-o", bundle, join(root, packs, "custom"), entry], { encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
    const audited = run(["audit", demo, "--rules", bundle, "-f", "json", "-q"]);
    expect(audited.code, audited.stderr).toBe(0);
    expect(ruleIds(audited.stdout)).toContain("ACME001");
    // Before, `rules` listed only the built-in rules and `explain` refused the pack's ids.
    const listed = run(["rules", "--rules", bundle]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^ACME001 +low +function-owner-tag /m);
    const explained = run(["explain", "ACME001", "--rules", bundle]);
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain("Function without an owner tag");
    expect(run(["explain", "function-owner-tag", "--rules", bundle]).stdout).toBe(explained.stdout);
  });

  it("a hand-built -t wasm bundle: rules without METADATA run with one warning per problem naming the file; a rule without findings is one line, exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-packs-bundle-mistakes-"));
    const build = (name: string, edit: (text: string) => string): string => {
      const rules = join(dir, name);
      cpSync(join(root, packs, "custom"), rules, { recursive: true });
      const file = join(rules, "no_owner_tag.rego");
      writeFileSync(file, edit(readFileSync(file, "utf8")));
      const bundle = join(dir, `${name}.tar.gz`);
      const built = spawnSync(opa, ["build", "-t", "wasm", "-e", "leastrole/findings", "--ignore", "*_test.rego", "--capabilities", join(root, "policies", "capabilities.json"), "-o", bundle, rules, join(root, "policies", "leastrole.rego")], { encoding: "utf8" });
      expect(built.status, built.stderr).toBe(0);
      return bundle;
    };
    const bare = build("bare", (text) => text.slice(text.indexOf("package ")));
    const audited = run(["audit", demo, "--rules", bare, "-f", "json"]);
    expect(audited.code, audited.stderr).toBe(0);
    const warnings = audited.stderr.split("\n").filter((l) => l.startsWith("leastrole: warning: "));
    expect(warnings[0]).toContain(`leastrole: warning: ${bare}: no rule catalog: the bundle has no catalog.json and no METADATA for rule package leastrole.rules.no_owner_tag (${bare}!`);
    expect(warnings[0]).toContain("add a `# METADATA` comment block right above the `package leastrole.rules.<name>` line, with `title`, `custom.id`");
    expect(warnings.filter((w) => w.includes("type-checked"))).toEqual([]);
    const deny = build("deny", (text) => text.replace("findings contains finding if", "deny contains finding if"));
    const refused = run(["audit", demo, "--rules", deny]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^leastrole: ${deny.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}!\\S*no_owner_tag\\.rego: rule ACME001 \\(package leastrole\\.rules\\.no_owner_tag\\) defines no \`findings\`[^\n]*\n$`));
  });

  it("build-rules records each rule's file relative to the rule folder, wherever it ran", () => {
    // Before: as the folder was typed, "../rules/no_owner_tag.rego" from a sibling folder.
    const dir = mkdtempSync(join(tmpdir(), "lr-build-rules-"));
    cpSync(join(root, packs, "custom"), join(dir, "rules"), { recursive: true });
    mkdirSync(join(dir, "ci"));
    for (const [cwd, folder] of [[join(dir, "ci"), "../rules"], [dir, "./rules/"], [root, join(dir, "rules")]] as const) {
      const built = run(["build-rules", folder, "-o", join(dir, "out")], cwd);
      expect(built.code, built.stderr).toBe(0);
      const catalog = JSON.parse(readFileSync(join(dir, "out", "rules.catalog.json"), "utf8")) as { rules: Array<{ id: string; file: string; line: number }> };
      expect(catalog.rules.map((r) => [r.id, r.file, r.line])).toEqual([["ACME001", "no_owner_tag.rego", 10]]);
    }
  });

  it("build-rules refuses, writing nothing, the rules every audit would refuse: an LR id, a built-in rule's name", () => {
    // Before: it wrote the pack (exit 0), and each audit given it exited 2 with the clash.
    const dir = mkdtempSync(join(tmpdir(), "lr-build-refused-"));
    const rule = (folder: string, meta: string): string => {
      mkdirSync(join(dir, folder));
      writeFileSync(
        join(dir, folder, "r.rego"),
        `# METADATA\n# title: T\n# custom:\n${meta}#   severity: low\npackage leastrole.rules.r\n\nfindings contains {"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": "m"} if some fn in input.functions\n`,
      );
      return folder;
    };
    for (const [folder, said] of [
      [rule("lr-id", "#   id: LR001\n"), /^leastrole: lr-id: rule LR001 \(package leastrole\.rules\.r, lr-id\/r\.rego:6\) uses the LR prefix/],
      [rule("builtin-name", "#   id: ACME001\n#   name: wildcard-action\n"), /^leastrole: builtin-name: rule ACME001 \(package leastrole\.rules\.r, builtin-name\/r\.rego:\d+\) is named wildcard-action, the name of rule LR002 .* in the built-in pack/],
    ] as const) {
      const built = run(["build-rules", folder, "-o", "out"], dir);
      expect(built.code, folder).toBe(2);
      expect(built.stderr, folder).toMatch(said);
      expect(existsSync(join(dir, "out")), folder).toBe(false);
    }
    rule("own", "#   id: ACME001\n");
    expect(run(["build-rules", "own", "-o", "out"], dir).code).toBe(0);
  });

  it("build-rules takes --name as a file name and --out-dir as a folder, refused before anything is written", () => {
    // Before: `--name ../../escape` wrote outside the output folder, and an --out-dir naming a file
    // was an internal error (EEXIST from mkdir, exit 3).
    const dir = mkdtempSync(join(tmpdir(), "lr-build-args-"));
    cpSync(join(root, packs, "custom"), join(dir, "rules"), { recursive: true });
    writeFileSync(join(dir, "a-file"), "");
    const named = run(["build-rules", "rules", "-o", "out", "--name", "../../escape"], dir);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/--name must be a file name stem, not a path/);
    const file = run(["build-rules", "rules", "-o", "a-file"], dir);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/a-file: --out-dir names a file, not a folder/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("says on stderr, while it runs, that a custom pack is still evaluating, naming it and its rules; a fast one says nothing", () => {
    // Before: a rule iterating far too much kept audit silent (ten minutes and more, in a test),
    // with no word of which pack ran. The notice is at 30 s; LEASTROLE_SLOW_PACK_NOTICE_MS here.
    const dir = mkdtempSync(join(tmpdir(), "lr-slow-"));
    mkdirSync(join(dir, "slow"));
    writeFileSync(
      join(dir, "slow", "slow.rego"),
      "# METADATA\n# title: T\n# custom:\n#   id: ACME050\n#   severity: low\npackage leastrole.rules.slow\n\n" +
        'findings contains {"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": sprintf("%d", [n])} if {\n' +
        "\tsome fn in input.functions\n\tn := count([x | some x in numbers.range(1, 60000); x % 7 == 0])\n}\n",
    );
    const audit = (rules: string) => spawnSync(process.execPath, [cli, "audit", join(root, demo), "--rules", rules, "-q", "-f", "json"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", LEASTROLE_OPA: opa, LEASTROLE_SLOW_PACK_NOTICE_MS: "100" },
      maxBuffer: 1 << 28,
    });
    const slow = audit("slow");
    expect(slow.status, slow.stderr).toBe(0);
    expect(slow.stderr).toMatch(/^leastrole: rule pack slow is still evaluating after \d+ s \(its rules: ACME050 slow\/slow\.rego:6\): a rule may iterate over far more than it needs .*docs\/writing-rules\.md, "What runs in WebAssembly"\); Ctrl-C stops it$/m);
    expect(ruleIds(slow.stdout)).toContain("ACME050");
    const fast = audit(join(root, packs, "custom"));
    expect(fast.status, fast.stderr).toBe(0);
    expect(fast.stderr).not.toMatch(/still evaluating/);
  });

  it("runs a pack named twice once: twice on the command line, or in the config and on the command line", () => {
    const once = run(["audit", demo, "--rules", join(packs, "custom"), "-f", "json", "-q"]);
    expect(once.code, once.stderr).toBe(0);
    const acme = (stdout: string) => (JSON.parse(stdout) as { findings: Array<{ ruleId: string }> }).findings.filter((f) => f.ruleId === "ACME001").length;
    expect(acme(once.stdout)).toBeGreaterThan(0);
    const twice = run(["audit", demo, "--rules", join(packs, "custom"), "--rules", `./${packs}/custom/`, "--rules", "builtin", "-f", "json", "-q"]);
    expect(twice.code, twice.stderr).toBe(0);
    expect(findingsOf(twice.stdout)).toEqual(findingsOf(once.stdout));
    const dir = mkdtempSync(join(tmpdir(), "lr-packs-config-"));
    writeFileSync(join(dir, ".leastrole.yaml"), `rules:\n  packs: [${JSON.stringify(join(root, packs, "custom"))}]\n`);
    const both = run(["audit", join(root, demo), "--rules", join(root, packs, "custom"), "-f", "json", "-q"], dir);
    expect(both.code, both.stderr).toBe(0);
    expect(acme(both.stdout)).toBe(acme(once.stdout));
    const listed = run(["rules", "--rules", join(packs, "custom"), "--rules", join(root, packs, "custom")]);
    expect(listed.stdout.match(/^ACME001 /gm)).toHaveLength(1);
  });

  it("rules and explain load the config file's rules.packs as audit does: found in the current folder, or named by --config", () => {
    // The pack relative to the config file's folder, run from elsewhere: resolved as audit resolves it.
    const dir = mkdtempSync(join(tmpdir(), "lr-rules-config-"));
    cpSync(join(root, packs, "custom"), join(dir, "team", "rules"), { recursive: true });
    writeFileSync(join(dir, "team", ".leastrole.yaml"), "rules:\n  packs: [./rules]\n");
    const audited = run(["audit", join(root, demo), "-f", "json", "-q"], join(dir, "team"));
    expect(audited.code, audited.stderr).toBe(0);
    expect(ruleIds(audited.stdout)).toContain("ACME001");
    for (const [cwd, extra] of [[join(dir, "team"), []], [dir, ["--config", join("team", ".leastrole.yaml")]]] as const) {
      const listed = run(["rules", ...extra], cwd);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^ACME001 +low +function-owner-tag /m);
      expect(listed.stdout).toMatch(/^LR001 /m);
      const json = run(["rules", "--format", "json", ...extra], cwd);
      expect((JSON.parse(json.stdout) as Array<{ id: string; pack: string }>).find((r) => r.id === "ACME001")?.pack).toContain(join("team", "rules"));
      const explained = run(["explain", "ACME001", ...extra], cwd);
      expect(explained.code, explained.stderr).toBe(0);
      expect(explained.stdout).toContain("Function without an owner tag");
    }
    // Without the config, the pack's rules are not there: the listing came from the config.
    expect(run(["rules"], dir).stdout).not.toMatch(/^ACME001 /m);
    // A config that is wrong is the same error (exit 2, the file named) as in audit.
    const broken = run(["rules", "--config", join(dir, "missing.yaml")], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("missing.yaml");
  });

  it("a rules.options key no rule of the packs run declares is exit 2 before the inputs are read, naming the config file, the key and the option meant", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-rule-options-"));
    mkdirSync(join(dir, "rules"));
    // A custom rule that reads an option declares it, as docs/writing-rules.md says.
    writeFileSync(
      join(dir, "rules", "owner_tag.rego"),
      `# METADATA
# title: Function without its owner tag
# custom:
#   id: ACME009
#   severity: low
#   options:
#     owner_tag: The tag key that names the owning team (default owner).
package leastrole.rules.owner_tag

default tag_key := "owner"

tag_key := data.leastrole.config.owner_tag

findings contains finding if {
	some fn in input.functions
	not fn.tags[tag_key]
	finding := {"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": sprintf("Function %s has no %s tag", [fn.name, tag_key])}
}
`,
    );
    const withOptions = (options: string) => writeFileSync(join(dir, ".leastrole.yaml"), `rules:\n  packs: [./rules]\n  options: ${options}\n`);
    withOptions("{ owner_tag: team, sensitivity_tag_keys: [data-classification] }");
    const ok = run(["audit", join(root, demo), "-f", "json", "-q"], dir);
    expect(ok.code, ok.stderr).toBe(0);
    const messages = (JSON.parse(ok.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings.filter((f) => f.ruleId === "ACME009").map((f) => f.message);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.endsWith(" has no team tag"))).toBe(true);
    const explained = run(["explain", "ACME009"], dir);
    expect(explained.stdout).toContain("Options (rules.options in the config file):\n  - owner_tag: The tag key that names the owning team (default owner).\n");

    withOptions("{ owner_tga: team, sensitivity_tag_key: [data-classification] }");
    // A missing input: the options are refused before it would be.
    for (const args of [["audit", join(root, demo)], ["audit", join(dir, "not-there")], ["diff", join(root, demo), join(root, demo)]]) {
      const r = run([...args, "-q"], dir);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trim().split("\n");
      expect(lines[0]).toBe('leastrole: .leastrole.yaml: rules.options.owner_tga: no rule of the packs run reads an option "owner_tga", so it would set nothing: did you mean "owner_tag"?');
      expect(lines[1]).toBe('  rules.options.sensitivity_tag_key: no rule of the packs run reads an option "sensitivity_tag_key", so it would set nothing: did you mean "sensitivity_tag_keys"?');
      expect(lines[2]).toContain("custom.options in its METADATA");
    }
    // Named by --config from another folder: named as given there, absolute or relative (before,
    // an absolute --config was named relative to the current folder, a path never typed).
    const elsewhere = run(["audit", join(root, demo), "--config", join(dir, ".leastrole.yaml"), "-q"], join(dir, "rules"));
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr.startsWith(`leastrole: ${join(dir, ".leastrole.yaml")}: rules.options.owner_tga: `), elsewhere.stderr).toBe(true);
    const relative = run(["audit", join(root, demo), "--config", "../.leastrole.yaml", "-q"], join(dir, "rules"));
    expect(relative.code).toBe(2);
    expect(relative.stderr).toMatch(/^leastrole: \.\.\/\.leastrole\.yaml: rules\.options\.owner_tga: /);
  });

  it("rules and explain refuse the id clash audit refuses", () => {
    const copycat = join(packs, "duplicate-id");
    for (const args of [["audit", demo], ["rules"], ["explain", "LR001"], ["explain", "ACME001", "--rules", join(packs, "custom")]]) {
      const r = run([...args, "--rules", copycat, "-q"]);
      expect(r.code, args.join(" ")).toBe(2);
      // The rule's file and line: before, "rule id LR001 is defined by two packs (builtin and …)" named neither.
      expect(r.stderr.trim(), args.join(" ")).toMatch(/^leastrole: .*duplicate-id: rule LR001 \(package leastrole\.rules\.copycat, .*duplicate-id\/copycat\.rego:6\) uses the LR prefix, which is leastrole's own .*: give custom rules their own id prefix, such as ACME001$/);
    }
  });

  it("warns of a rules.disable entry that names no rule of the packs run", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-disable-"));
    writeFileSync(join(dir, ".leastrole.yaml"), `rules:\n  disable: [LR999, LR017, function-owner-tag, ACME001]\n`);
    const r = run(["audit", join(root, demo), "-f", "json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const said = r.stderr.split("\n").filter((l) => l.includes("rules.disable"));
    expect(said).toEqual([
      'leastrole: warning: .leastrole.yaml: rules.disable: "LR999" is not the id or name of a rule of the packs run, so it disables nothing (`leastrole rules` lists them)',
      'leastrole: warning: .leastrole.yaml: rules.disable: "function-owner-tag" is not the id or name of a rule of the packs run, so it disables nothing (`leastrole rules` lists them)',
      'leastrole: warning: .leastrole.yaml: rules.disable: "ACME001" is not the id or name of a rule of the packs run, so it disables nothing (`leastrole rules` lists them)',
    ]);
    // With the pack that has those rules, only the typo is left.
    const withPack = run(["audit", join(root, demo), "--rules", join(root, packs, "custom"), "-f", "json"], dir);
    expect(withPack.stderr.split("\n").filter((l) => l.includes("rules.disable"))).toEqual([said[0]]);
    expect((JSON.parse(withPack.stdout) as { findings: Array<{ ruleId: string }> }).findings.some((f) => f.ruleId === "ACME001" || f.ruleId === "LR017")).toBe(false);
  });

  it("diff takes it the same way", () => {
    const r = run(["diff", demo, demo, "--rules", join(packs, "custom"), "--rules", join(packs, "array"), "-f", "json", "-q"]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe("a pack that does not run", () => {
  const conflict = join(packs, "conflict");

  it("exits 2 after writing the report, above --fail-on, and says which pack on stderr even with --quiet", () => {
    for (const format of ["json", "table"]) {
      const r = run(["audit", demo, "--rules", conflict, "--fail-on", "info", "-f", format, "-q"]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^leastrole: error: rule pack ${conflict}: evaluation aborted: .*conflict.*its findings are missing from the report`, "m"));
      expect(r.stderr).not.toMatch(/\n\s+at /);
      if (format === "json") {
        const report = JSON.parse(r.stdout) as { summary: { failedPacks: string[] }; findings: Array<{ ruleId: string }>; diagnostics: Array<{ code: string; pack: string }> };
        expect(report.findings.some((f) => f.ruleId === "LR001")).toBe(true); // the built-in pack ran
        expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: "evaluation-failed", pack: conflict }));
        // What made the exit 2, in the report for a program that reads it.
        expect(report.summary.failedPacks).toEqual([conflict]);
      }
    }
    // Without a failing pack, the same audit exits as --fail-on says.
    expect(run(["audit", demo, "--rules", join(packs, "custom"), "--fail-on", "info", "-q"]).code).toBe(1);
    expect(run(["audit", demo, "--rules", join(packs, "custom"), "-q"]).code).toBe(0);
  });

  it("exits 2 for a rule of the wrong shape, whether its findings are strings or its `findings` is an object, naming the rule and its file", () => {
    for (const [file, id] of [["strings.rego", "SHAPE001"], ["object_findings.rego", "SHAPE002"]] as const) {
      const dir = mkdtempSync(join(tmpdir(), "lr-shape-"));
      copyFileSync(join(root, packs, "wrong-shapes", file), join(dir, file));
      for (const command of [["audit", demo], ["diff", demo, demo]]) {
        const r = run([...command, "--rules", dir, "-f", "json", "-q"]);
        expect(r.code, `${file} ${command[0]}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(new RegExp(`^leastrole: error: rule pack ${dir}: rule ${id} \\(package leastrole\\.rules\\.${file.slice(0, -5)}, ${join(dir, file)}:6\\) .*fix the pack \\(exit code 2\\)$`, "m"));
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    }
  });

  it("makes diff exit 2 too", () => {
    const r = run(["diff", demo, demo, "--rules", conflict, "-f", "json", "-q"]);
    expect(r.code, r.stderr).toBe(2);
    // Both sides failed the same way: said once.
    expect(r.stderr.match(/rule pack .*conflict: evaluation aborted/g)).toHaveLength(1);
  });
});
