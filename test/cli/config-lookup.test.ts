/**
 * Where the CLI finds `.leastrole.yaml` when no --config is given: in the current folder or the
 * nearest one above it, up to the git repository's root. Run as a user runs it: the built binary
 * from a subfolder of a real repository (`git init`) in a temp folder, on examples/demo-account.
 * One config at the repository's root must apply in `infra/prod/`: when it did not, its
 * suppressions and exceptions were dropped without a word.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const demo = join(root, "examples", "demo-account");
const work = mkdtempSync(join(tmpdir(), "lr-config-lookup-"));

/** A suppression of a finding the demo account has (LR001 on orders-shared-role), one of nothing, and an exception keeping nothing. */
const SUPPRESSING = `version: 1
suppressions:
  - { rule: LR001, resource: orders-shared-role, reason: "split in PLAT-42" }
  - { rule: LR004, resource: reports-generator, reason: "S3 migration PLAT-9" }
exceptions:
  - { function: "order-api", actions: ["dynamodb:RestoreTableFromBackup"], reason: "DR runbook" }
`;
const EMPTY = "version: 1\n";

/** Files under a fresh folder (`{"a/b/.leastrole.yaml": text}`), and the folder. */
function tree(files: Record<string, string>, gitAt: string[] = []): string {
  const top = mkdtempSync(join(work, "t-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(top, path)), { recursive: true });
    writeFileSync(join(top, path), text);
  }
  for (const repo of gitAt) {
    mkdirSync(join(top, repo), { recursive: true });
    expect(spawnSync("git", ["init", "-q", join(top, repo)]).status).toBe(0);
  }
  return top;
}

function run(cwd: string, args: string[]) {
  mkdirSync(cwd, { recursive: true });
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Report = { summary: { suppressed: number }; findings: Array<{ ruleId: string; suppressed?: { origin: string } }> };

/** The audit's suppressed findings' origins, from a JSON report (and the run, for stderr). */
function audit(cwd: string, extra: string[] = []) {
  const r = run(cwd, ["audit", demo, "-f", "json", ...extra]);
  expect(r.code, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout) as Report;
  const origins = report.findings.flatMap((f) => (f.suppressed ? [f.suppressed.origin] : []));
  expect(origins).toHaveLength(report.summary.suppressed);
  return { origins, stderr: r.stderr, stdout: r.stdout };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

describe("a config file in a folder above the current one", () => {
  it("applies in the repository's subfolders: its suppressions suppress, named relative to the current folder", () => {
    const top = tree({ "repo/.leastrole.yaml": SUPPRESSING }, ["repo"]);
    const prod = join(top, "repo", "infra", "prod");
    const { origins, stderr, stdout } = audit(prod);
    expect(origins).toEqual(["config:../../.leastrole.yaml"]);
    // Said once, since it changes the results; not when it is the current folder's, nor with --quiet.
    expect(stderr).toContain("leastrole: reading ../../.leastrole.yaml, the nearest config above this folder (--config names another)\n");
    expect(audit(join(top, "repo")).stderr).not.toContain("nearest config above");
    expect(audit(prod, ["--quiet"]).stderr).not.toContain("nearest config above");
    // The warnings about the file name it the same way, and no absolute path is printed: the
    // report reads the same in every checkout.
    expect(stderr).toContain("suppression of LR004 on reports-generator (config:../../.leastrole.yaml) matched no finding");
    expect(stderr).toContain('leastrole: warning: ../../.leastrole.yaml: exceptions[0].function: kept exception "DR runbook"');
    expect(stdout + stderr).not.toContain(top);
    // From the root itself, as before.
    expect(audit(join(top, "repo")).origins).toEqual(["config:.leastrole.yaml"]);
  });

  it("is read by generate and rules too, its relative paths against its own folder", () => {
    const top = tree({ "repo/.leastrole.yaml": `${SUPPRESSING}rules:\n  packs: [./rules/org-typo]\n` }, ["repo"]);
    const prod = join(top, "repo", "infra", "prod");
    const rules = run(prod, ["rules"]);
    expect(rules.code).toBe(2);
    expect(rules.stderr).toContain("../../rules/org-typo: rule pack not found (rules.packs[0] of ../../.leastrole.yaml)");
    writeFileSync(join(top, "repo", ".leastrole.yaml"), SUPPRESSING);
    const generate = run(prod, ["generate", demo, "--function", "orders-api", "-o", join(top, "gen.json")]);
    expect(generate.code, generate.stderr).toBe(0);
    expect(generate.stderr).toContain('warning: ../../.leastrole.yaml: exceptions[0].function: kept exception "DR runbook"');
  });

  it("the nearest wins: a subfolder's config is read instead of the root's (they do not merge)", () => {
    const top = tree({ "repo/.leastrole.yaml": SUPPRESSING, "repo/infra/.leastrole.json": '{"version": 1}\n' }, ["repo"]);
    expect(audit(join(top, "repo", "infra", "prod")).origins).toEqual([]);
    expect(audit(join(top, "repo", "infra")).origins).toEqual([]);
    expect(audit(join(top, "repo", "apps")).origins).toEqual(["config:../.leastrole.yaml"]);
  });

  it("is not looked for above the repository's root; outside a repository, up to the filesystem's root", () => {
    const top = tree({ ".leastrole.yaml": SUPPRESSING, "outside/.keep": "" }, ["repo"]);
    const { origins, stderr } = audit(join(top, "repo", "infra"));
    expect(origins).toEqual([]);
    expect(stderr).not.toContain(".leastrole.yaml");
    const outside = audit(join(top, "outside", "infra"));
    expect(outside.origins).toEqual(["config:../../.leastrole.yaml"]);
    // Outside a repository a stray config far above (in `~`) would apply unseen: it is named.
    expect(outside.stderr).toContain("leastrole: reading ../../.leastrole.yaml, the nearest config above this folder");
  });

  it("stops at a .git file as well (a worktree's, a submodule's)", () => {
    const top = tree({ "repo/.leastrole.yaml": SUPPRESSING }, ["repo"]);
    const sub = join(top, "repo", "vendored");
    // git itself writes the .git file: `gitdir: <the repository's folder>`.
    expect(spawnSync("git", ["init", "-q", `--separate-git-dir=${join(top, "vendored.git")}`, sub]).status).toBe(0);
    expect(readFileSync(join(sub, ".git"), "utf8")).toMatch(/^gitdir: /);
    expect(audit(join(sub, "infra")).origins).toEqual([]);
    expect(audit(join(top, "repo", "infra")).origins).toEqual(["config:../.leastrole.yaml"]);
  });

  it("several config files in the folder found: a warning names the folder and the file read", () => {
    const top = tree({ "repo/.leastrole.yml": SUPPRESSING, "repo/.leastrole.json": '{"version": 1}\n' }, ["repo"]);
    const { origins, stderr } = audit(join(top, "repo", "infra", "prod"));
    expect(origins).toEqual(["config:../../.leastrole.yml"]);
    expect(stderr).toContain("leastrole: warning: .leastrole.yml, .leastrole.json are in ../..: only ../../.leastrole.yml is read; merge them into one (or name one with --config)");
  });

  it("--config still wins over the one found", () => {
    const top = tree({ "repo/.leastrole.yaml": SUPPRESSING, "repo/ci/empty.yaml": EMPTY }, ["repo"]);
    const prod = join(top, "repo", "infra", "prod");
    expect(audit(prod).origins).toEqual(["config:../../.leastrole.yaml"]);
    const { origins, stderr } = audit(prod, ["-c", "../../ci/empty.yaml"]);
    expect(origins).toEqual([]);
    expect(stderr).not.toContain(".leastrole.yaml");
  });
});

describe("init below a folder whose config applies", () => {
  it("warns that the new file is read instead of the one above, which applied here until now", () => {
    const top = tree({ "repo/.leastrole.yaml": SUPPRESSING }, ["repo"]);
    const prod = join(top, "repo", "infra", "prod");
    const r = run(prod, ["init"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("leastrole: warning: ../../.leastrole.yaml applied in this folder until now: .leastrole.yaml is read instead of it here and in the folders below (config files do not merge)");
    expect(audit(prod).origins).toEqual([]);
    // With no config above, nothing to warn.
    const bare = tree({}, ["repo"]);
    const first = run(join(bare, "repo"), ["init"]);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("wrote .leastrole.yaml\n");
  });
});
