/**
 * Configuration mistakes that change what leastrole reports, said where the user looks (stderr,
 * the report), run as a user runs them: the built binary on examples/demo-account with a config
 * file. A kept exception or a suppression that applies to nothing is a mistake whose effect shows
 * late (a disaster-recovery permission missing from a generated policy, a finding reported again).
 * And SARIF locations, which must not depend on the folder a CI step runs in.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const demo = join("examples", "demo-account");
const work = mkdtempSync(join(tmpdir(), "lr-config-mistakes-"));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function config(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

describe("a kept exception whose function pattern matches no function", () => {
  const file = () =>
    config(
      "exc-typo.yaml",
      `version: 1
exceptions:
  - { function: "order-api", actions: ["dynamodb:RestoreTableFromBackup"], reason: "DR runbook" }
  - { function: "orders-*", actions: ["dynamodb:DescribeTable"], reason: "health check" }
`,
    );

  it("is warned by audit, naming the exception and the pattern (and the function it likely meant); one that matches is not", () => {
    const r = run(["audit", demo, "-c", file(), "-f", "json", "-o", join(work, "exc-typo.json")]);
    expect(r.code).toBe(0);
    const lines = r.stderr.split("\n").filter((l) => l.includes("kept exception"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`leastrole: warning: ${relative(root, file())}: exceptions[0].function: kept exception "DR runbook" (dynamodb:RestoreTableFromBackup): function "order-api" matches no function of the inputs`);
    expect(lines[0]).toContain('did you mean "orders-api"?');
    const report = JSON.parse(readFileSync(join(work, "exc-typo.json"), "utf8")) as { warnings: Array<{ code: string; path?: string }> };
    expect(report.warnings.filter((w) => w.code === "exception-matches-no-function").map((w) => w.path)).toEqual(["exceptions[0].function"]);
  });

  it("is warned by generate, whose policy lacks the action", () => {
    const out = join(work, "gen-typo.json");
    const r = run(["generate", demo, "-c", file(), "--function", "orders-api", "-o", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, "utf8")).not.toContain("RestoreTableFromBackup");
    expect(r.stderr).toContain(`warning: ${relative(root, file())}: exceptions[0].function: kept exception "DR runbook" (dynamodb:RestoreTableFromBackup): function "order-api" matches no function`);
  });
});

describe("a kept exception whose glob matches no function", () => {
  it("names the functions the glob likely meant, as README.md says (a typo in a glob suggested nothing: \"order-*\" is 4 edits from \"orders-api\" read as text)", () => {
    const file = config(
      "exc-glob-typo.yaml",
      `version: 1
exceptions:
  - { function: "order-*", actions: ["dynamodb:RestoreTableFromBackup"], reason: "DR runbook" }
  - { function: "arn:aws:lambda:us-east-1:111122223333:function:biling-*", actions: ["dynamodb:DescribeTable"], reason: "health check" }
  - { function: "zzz-*", actions: ["dynamodb:DescribeTable"], reason: "nothing near" }
`,
    );
    const r = run(["audit", demo, "-c", file, "-f", "json", "-o", join(work, "exc-glob-typo.json")]);
    expect(r.code).toBe(0);
    const lines = r.stderr.split("\n").filter((l) => l.includes("kept exception"));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('function "order-*" matches no function of the inputs');
    expect(lines[0]).toMatch(/did you mean "orders-api" or "orders-worker"\?$/);
    expect(lines[1]).toMatch(/did you mean "arn:aws:lambda:us-east-1:111122223333:function:billing-sync"\?$/);
    expect(lines[2]).not.toContain("did you mean");
  });
});

describe("suppressions that suppress nothing", () => {
  const file = () =>
    config(
      "unused.yaml",
      `version: 1
suppressions:
  - { rule: LR004, resource: reports-generator, reason: "S3 migration PLAT-9" }
  - { rule: LR01, resource: orders-shared-role, reason: "typo in rule id" }
  - { rule: LR004, resource: reports-role, reason: "S3 migration PLAT-9" }
`,
    );

  it("are warned on stderr and in the table: a rule id no pack has apart from a rule without a finding there", () => {
    const r = run(["audit", demo, "-c", file()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^leastrole: warning: suppression of LR004 on reports-generator \(config:[^)]*unused\.yaml\) matched no finding/m);
    expect(r.stderr).toMatch(/^leastrole: warning: suppression of LR01 on orders-shared-role \(config:[^)]*unused\.yaml\): "LR01" is not the id or name of a rule of the packs run, so it suppresses nothing/m);
    // The one that matched is not named.
    expect(r.stderr).not.toMatch(/on reports-role/);
    // The table wraps its lines, where depends on how long the config's
    // relative path is (the clone's depth under /tmp): read it unwrapped.
    const table = r.stdout.slice(r.stdout.indexOf("Diagnostics")).replace(/\n\s+(?!- )/g, " ");
    expect(table).toContain("warning: suppression of LR004 on reports-generator");
    expect(table).toContain('"LR01" is not the id or name of a rule');
  });

  it("are in the Markdown and HTML reports, and SARIF notifications at warning level", () => {
    const md = run(["audit", demo, "-c", file(), "-f", "markdown"]).stdout;
    expect(md).toMatch(/### Diagnostics\n\n- \*\*warning\*\* suppression of LR004 on reports\\-generator/);
    expect(md).toContain("\\\"LR01\\\" is not the id or name of a rule");
    const html = run(["audit", demo, "-c", file(), "-f", "html"]).stdout;
    expect(html).toContain("suppression of LR004 on reports-generator");
    expect(html).toContain("&quot;LR01&quot; is not the id or name of a rule");
    const sarif = JSON.parse(run(["audit", demo, "-c", file(), "-f", "sarif"]).stdout) as { runs: Array<{ invocations: Array<{ toolExecutionNotifications: Array<{ level: string; message: { text: string } }> }> }> };
    const notes = sarif.runs[0]!.invocations[0]!.toolExecutionNotifications.filter((n) => n.message.text.startsWith("suppression of"));
    expect(notes.map((n) => n.level)).toEqual(["warning", "warning"]);
  });
});

describe("warnings about the config file", () => {
  it("name it, relative to the current folder: unused and unknown-rule suppressions, expired ones, rules.disable ids, kept exceptions", () => {
    const dir = mkdtempSync(join(work, "names-"));
    mkdirSync(join(dir, "ci"));
    writeFileSync(
      join(dir, "ci", "team.yaml"),
      `version: 1
suppressions:
  - { rule: LR004, resource: reports-generator, reason: "S3 migration PLAT-9" }
  - { rule: LR01, resource: orders-shared-role, reason: "typo in rule id" }
  - { rule: LR001, resource: orders-shared-role, reason: "split in PLAT-42", expires: 2026-11-30 }
exceptions:
  - { function: "order-api", actions: ["dynamodb:RestoreTableFromBackup"], reason: "DR runbook" }
rules:
  disable: [LR999]
`,
    );
    const lines = (cwd: string, config: string) => {
      const r = spawnSync(process.execPath, [cli, "audit", join(root, demo), "-c", config, "--as-of", "2026-12-01", "-f", "json"], { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
      expect(r.status, r.stderr).toBe(0);
      return r.stderr.split("\n").filter((l) => l.startsWith("leastrole: warning: "));
    };
    for (const [cwd, config, shown] of [
      [dir, join(dir, "ci", "team.yaml"), "ci/team.yaml"],
      [join(dir, "ci"), "team.yaml", "team.yaml"],
      [join(dir, "ci"), join(dir, "ci", "team.yaml"), "team.yaml"],
    ] as const) {
      const said = lines(cwd, config);
      const about = (text: string) => said.filter((l) => l.includes(text));
      expect(about("on reports-generator")).toEqual([expect.stringContaining(`suppression of LR004 on reports-generator (config:${shown}) matched no finding`)]);
      expect(about("LR01 on")).toEqual([expect.stringContaining(`suppression of LR01 on orders-shared-role (config:${shown}): "LR01" is not the id or name of a rule`)]);
      expect(about("expired")).toEqual([expect.stringContaining(`suppression of LR001 on orders-shared-role (config:${shown}) expired on 2026-11-30`)]);
      expect(about("rules.disable")).toEqual([expect.stringContaining(`warning: ${shown}: rules.disable: "LR999" is not the id or name of a rule`)]);
      expect(about("kept exception")).toEqual([expect.stringContaining(`warning: ${shown}: exceptions[0].function: kept exception "DR runbook"`)]);
    }
  });
});

describe("errors about the config file", () => {
  // Named as the warnings above name it: a discovered .leastrole.yaml is read by its absolute path,
  // and the error said `/tmp/…/.leastrole.yaml` where every warning about it says `.leastrole.yaml`.
  // Given with -c, it is named as given: `-c /abs/path` by that path (before, relative to the
  // current folder: `../../etc/leastrole/ci.yaml`, which the user never wrote).
  it("name it relative to the current folder when discovered, as given with -c, from the folder or a subfolder: YAML, JSON, unknown key, wrong type", () => {
    const cases: Array<[name: string, text: string, error: string]> = [
      [".leastrole.yaml", "version: 1\nusage: [\n", "not valid YAML at line 3, column 1:"],
      [".leastrole.yaml", "version: 1\nsuppresions: []\n", '(top level): unknown key "suppresions": did you mean "suppressions"?'],
      [".leastrole.yaml", "version: 1\nusage: { windowDays: thirty }\n", "usage.windowDays: must be a whole number of days"],
      [".leastrole.json", '{"version": 1,', "not valid JSON:"],
    ];
    for (const [name, text, error] of cases) {
      const dir = mkdtempSync(join(work, "errors-"));
      mkdirSync(join(dir, "sub"));
      writeFileSync(join(dir, name), text);
      const errorLine = (cwd: string, args: string[]) => {
        const r = spawnSync(process.execPath, [cli, "audit", join(root, demo), "-f", "json", ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
        expect(r.status, r.stderr).toBe(2);
        return r.stderr.split("\n").find((l) => l.startsWith("leastrole: "));
      };
      for (const [cwd, args, shown] of [
        [dir, [], name],
        // -q: without it, the note "reading ../.leastrole.yaml, the nearest config above" comes first.
        [join(dir, "sub"), ["-q"], `../${name}`],
        [dir, ["-c", join(dir, name)], join(dir, name)],
        [join(dir, "sub"), ["-c", join(dir, name)], join(dir, name)],
        [join(dir, "sub"), ["-c", join("..", name)], `../${name}`],
        [dir, ["-c", `./${name}`], `./${name}`],
      ] as const) {
        expect(errorLine(cwd, [...args]), `${text} in ${cwd} ${args.join(" ")}`).toContain(`leastrole: ${shown}: ${error}`);
      }
    }
  });
});

describe("SARIF locations from a subfolder of the repository", () => {
  type Log = { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation?: { artifactLocation: { uri: string } } }> }> }> };
  const uris = (stdout: string): string[] => [...new Set((JSON.parse(stdout) as Log).runs[0]!.results.map((r) => r.locations[0]!.physicalLocation?.artifactLocation.uri ?? ""))].sort();

  it("are relative to the git repository's root, whichever folder the command runs in (GitHub resolves them against it)", () => {
    const repo = join(work, "repo");
    mkdirSync(join(repo, "infra"), { recursive: true });
    expect(spawnSync("git", ["init", "-q", repo]).status).toBe(0);
    copyFileSync(join(root, "test/iac/fixtures/diff/shared-role.yaml"), join(repo, "infra", "template.yaml"));
    const audit = (cwd: string, file: string, extra: string[] = []) => {
      const r = spawnSync(process.execPath, [cli, "audit", file, "--account-id", "123456789012", "--region", "us-east-1", "-f", "sarif", ...extra], { cwd, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return uris(r.stdout);
    };
    expect(audit(join(repo, "infra"), "template.yaml")).toEqual(["infra/template.yaml"]);
    expect(audit(repo, "infra/template.yaml")).toEqual(["infra/template.yaml"]);
    expect(audit(join(repo, "infra"), join(repo, "infra", "template.yaml"))).toEqual(["infra/template.yaml"]);
    // --sarif-root says where the root is (a checkout without .git, another layout).
    expect(audit(join(repo, "infra"), "template.yaml", ["--sarif-root", "."])).toEqual(["template.yaml"]);
  });

  it("a --sarif-root that is no folder is refused before the inputs are read", () => {
    // Before: accepted, and every location became an absolute file:// URI.
    for (const [given, said] of [[join(work, "no-such-root"), "does not exist"], [join(root, "package.json"), "names a file"]] as const) {
      const r = spawnSync(process.execPath, [cli, "audit", join(root, "examples", "demo-account"), "-f", "sarif", "--sarif-root", given], { encoding: "utf8" });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--sarif-root ${said}`);
      expect(r.stdout).toBe("");
    }
  });

  it("an account export named from a subfolder points at its files under the root too", () => {
    const r = spawnSync(process.execPath, [cli, "audit", "demo-account", "-f", "sarif"], { cwd: join(root, "examples"), encoding: "utf8", maxBuffer: 1 << 28 });
    expect(r.status).toBe(0);
    // This checkout is a git repository (or worktree, whose .git is a file).
    expect(uris(r.stdout).every((u) => u.startsWith("examples/demo-account/"))).toBe(true);
  });
});

describe("suppression expiry and --as-of", () => {
  const suppressed = (expires: string, asOf: string) => {
    const file = config(`exp-${expires}.yaml`, `version: 1\nsuppressions:\n  - { rule: LR001, resource: orders-shared-role, reason: "split in PLAT-42", expires: ${expires} }\n`);
    const r = run(["audit", demo, "-c", file, "--as-of", asOf, "-f", "json"]);
    expect(r.code).toBe(0);
    return { count: (JSON.parse(r.stdout) as { summary: { suppressed: number } }).summary.suppressed, stderr: r.stderr };
  };

  it("is judged on the --as-of date (inclusive), not on the day the audit runs", () => {
    expect(suppressed("2026-11-30", "2026-11-30").count).toBe(1);
    const after = suppressed("2026-11-30", "2026-12-01");
    expect(after.count).toBe(0);
    expect(after.stderr).toMatch(/suppression of LR001 on orders-shared-role \(config:[^)]*exp-2026-11-30\.yaml\) expired on 2026-11-30/);
    // A date past today's: expired all the same on that --as-of.
    expect(suppressed("2099-01-01", "2100-01-01").count).toBe(0);
    expect(suppressed("2099-01-01", "2099-01-01").count).toBe(1);
  });
});

describe("several config files in one folder", () => {
  const inDir = (dir: string, args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("init refuses to write .leastrole.yaml beside a .leastrole.json or .yml, which it would shadow (even with --force)", () => {
    for (const existing of [".leastrole.json", ".leastrole.yml"]) {
      const dir = mkdtempSync(join(work, "init-"));
      writeFileSync(join(dir, existing), existing.endsWith(".json") ? '{"version": 1}\n' : "version: 1\n");
      for (const force of [[], ["--force"]]) {
        const r = inDir(dir, ["init", ...force]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`${existing}: is the configuration of this folder: a .leastrole.yaml written beside it would be read instead of it`);
        expect(existsSync(join(dir, ".leastrole.yaml"))).toBe(false);
      }
    }
  });

  it("audit warns that only the first is read, naming it", () => {
    const dir = mkdtempSync(join(work, "two-"));
    writeFileSync(join(dir, ".leastrole.json"), JSON.stringify({ version: 1, suppressions: [{ rule: "LR001", resource: "orders-shared-role", reason: "PLAT-42" }] }));
    writeFileSync(join(dir, ".leastrole.yml"), "version: 1\n");
    const r = inDir(dir, ["audit", join(root, demo), "-f", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("leastrole: warning: .leastrole.yml, .leastrole.json are in the current folder: only .leastrole.yml is read");
  });
});

describe("--quiet", () => {
  it("leaves out notes but not warnings: an expired suppression is said under -q too", () => {
    const file = config("exp-quiet.yaml", `version: 1\nsuppressions:\n  - { rule: LR001, resource: orders-shared-role, reason: "split in PLAT-42", expires: 2026-11-30 }\n`);
    const r = run(["-q", "audit", demo, "-c", file, "--as-of", "2026-12-01", "-f", "json", "-o", join(work, "quiet.json")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`leastrole: warning: suppression of LR001 on orders-shared-role (config:${relative(root, file)}) expired on 2026-11-30`);
    // The coverage note (not a warning) stays out.
    expect(r.stderr).not.toContain("note:");
    expect(run(["-q", "audit", demo, "-f", "json", "-o", join(work, "quiet2.json")]).stderr).toBe("");
  });
});

describe("a rule pack the config names that cannot be loaded", () => {
  it("is named as the config has it, with the entry and the file to fix, by audit, diff and rules", () => {
    const dir = mkdtempSync(join(work, "packs-"));
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, ".leastrole.yaml"), "version: 1\nrules:\n  packs: [./rules/org-typo]\n");
    const line = (cwd: string, args: string[]) => {
      const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
      expect(r.status, r.stderr).toBe(2);
      return r.stderr;
    };
    const demoPath = join(root, demo);
    for (const args of [["audit", demoPath], ["diff", demoPath, demoPath], ["rules"]]) {
      const said = line(dir, args);
      expect(said, args[0]).toContain("rules/org-typo: rule pack not found (rules.packs[0] of .leastrole.yaml)");
      expect(said, args[0]).not.toContain(dir);
    }
    // From a subfolder with -c, both are named from there.
    const said = line(join(dir, "sub"), ["audit", demoPath, "-c", "../.leastrole.yaml"]);
    expect(said).toContain("../rules/org-typo: rule pack not found (rules.packs[0] of ../.leastrole.yaml)");
    // A --rules flag's pack is named as typed, with no config entry (from a folder no config
    // applies in: in sub, the one above is found and its broken pack is said first).
    const flag = line(mkdtempSync(join(work, "no-config-")), ["audit", demoPath, "--rules", "nope-pack"]);
    expect(flag).toContain("nope-pack: rule pack not found");
    expect(flag).not.toContain("rules.packs");
  });
});
