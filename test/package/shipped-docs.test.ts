/**
 * What the shipped README, docs and error messages send a package user to is in the package, or is
 * an absolute URL: the README pointed at docs/usage.md and examples/embed-custom-rule/embed.mjs and
 * the "no opa" error at docs/writing-rules.md, none of which `npm pack` shipped; and the docs named
 * source files, tests and fixtures (`test/iac/fixtures/cdk-synth/`, `policies/rules/*.rego`) that
 * only a clone has, which a reader of node_modules/leastrole/docs/ could not open.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
let shipped: Set<string>;
/** The repository's files, as a clone has them (what a link to the repository can point at). */
let tracked: Set<string>;

beforeAll(() => {
  tracked = new Set(execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean));
  // --dry-run: the file list only, nothing written; --ignore-scripts: no prepack build.
  const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" })) as Array<{ files: Array<{ path: string }>; size: number }>;
  shipped = new Set(packed[0]!.files.map((f) => f.path));
}, 120_000);

/** README.md without its fenced code blocks (commands there run in a clone, and say so). */
function readmeProse(): string {
  return readFileSync(join(root, "README.md"), "utf8").replace(/```[\s\S]*?```/g, "");
}

describe("the package's docs", () => {
  it("ships docs/, writing-rules.md included", () => {
    for (const f of ["docs/writing-rules.md", "docs/usage.md", "docs/canonical-document.md", "docs/reports.md"]) expect(shipped, f).toContain(f);
    expect([...shipped].some((f) => f.startsWith("examples/"))).toBe(false);
  });

  it("every docs/ or examples/ file the README names is shipped, or linked by an absolute URL", () => {
    const prose = readmeProse();
    const named = [...prose.matchAll(/(?<![\w/.-])((?:docs|examples)\/[\w./-]*\w)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(1);
    const linkedAbsolute = new Set([...prose.matchAll(/\[[^\]]*\]\(https:\/\/[^)]*\/((?:docs|examples)\/[^)]*)\)/g)].map((m) => m[1]!));
    const missing = named.filter((p) => !shipped.has(p) && ![...shipped].some((f) => f.startsWith(`${p}/`)) && !linkedAbsolute.has(p));
    expect(missing).toEqual([]);
  });
});

/** package.json `repository` as a browsable URL: https://github.com/leastrole/leastrole */
function repositoryUrl(): string {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { repository: { url: string } };
  return pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A file or folder path is in `files`: the file itself, or a folder with files in it. */
function holds(files: Set<string>, path: string): boolean {
  if (path.includes("*")) {
    // `test/golden/rules/*.json`: a glob naming the files it matches.
    const re = new RegExp(`^${path.split("*").map(escape).join("[^/]*")}$`);
    return [...files].some((f) => re.test(f));
  }
  return files.has(path) || [...files].some((f) => f.startsWith(`${path}/`));
}

/**
 * The package has what a path names: the file, or the folder with every file the repository has in
 * it (`src/iam/` is in the package only for its data file: the reader would not find the engine).
 */
function isShipped(path: string): boolean {
  if (!holds(shipped, path)) return false;
  if (path.includes("*")) return [...tracked].filter((f) => new RegExp(`^${path.split("*").map(escape).join("[^/]*")}$`).test(f)).every((f) => shipped.has(f));
  return shipped.has(path) || [...tracked].filter((f) => f.startsWith(`${path}/`)).every((f) => shipped.has(f));
}

/**
 * A path in the text names the repository's files when it is one, or names a file of one of its
 * folders (a file since renamed is still caught); `dist/my-rules.wasm` in a build command is the
 * reader's own file.
 */
function namesRepositoryFile(path: string): boolean {
  return holds(tracked, path) || holds(shipped, path) || holds(tracked, posix.dirname(path));
}

/**
 * What a shipped Markdown file refers to that the package does not hold. A relative link is read
 * against the file's folder; a path written in prose or code (`src/usage/sql.ts`, starting with one
 * of the repository's top folders) against the package root. A path linked to the repository
 * (`[test/collect](https://github.com/…/tree/main/test/collect)`) must exist there, and may then be
 * named again in its paragraph (the command `npx vitest run test/collect` beside the link). A fenced
 * block is commands or code to run, where nothing can be linked: its clone-only paths are allowed
 * when the block, or the paragraph before it, says it runs in a clone. HTML comments are the
 * maintainers' markers (what generates a table), not read by a reader of the rendered page.
 */
function unshippedReferences(doc: string, text: string, repo: string, tops: string[]): string[] {
  const problems: string[] = [];
  const token = new RegExp(`(?<![\\w/.@$-])((?:${tops.map(escape).join("|")})/[\\w.*-][\\w./*-]*)`, "g");
  const pathsIn = (s: string) => [...s.matchAll(token)].map((m) => m[1]!.replace(/[./]+$/, "")).filter(namesRepositoryFile);
  const repoLink = new RegExp(`\\[((?:[^\\]\\[]|\\[[^\\]]*\\])*)\\]\\(${escape(repo)}/(?:blob|tree)/main/([^)#\\s]+)(?:#[^)]*)?\\)`, "g");
  const paragraph = (prose: string) => {
    const linked = new Set<string>();
    // Links to the repository: what they point at exists there, and their text names nothing else.
    let rest = prose.replace(repoLink, (_all, label: string, target: string) => {
      const path = decodeURIComponent(target).replace(/\/$/, "");
      if (!holds(tracked, path)) problems.push(`${doc}: ${repo}/…/${target} (a link to a path the repository does not have)`);
      linked.add(path);
      for (const p of pathsIn(label)) if (p !== path && !isShipped(p)) problems.push(`${doc}: ${p} (named by a link to ${path})`);
      return "";
    });
    // Relative links: against the document's folder, to a file the package ships.
    rest = rest.replace(/\]\(((?![a-z]+:|#)[^)\s#]+)(?:#[^)]*)?\)/g, (_all, target: string) => {
      const path = posix.normalize(posix.join(dirname(doc), decodeURIComponent(target))).replace(/\/$/, "");
      if (!isShipped(path)) problems.push(`${doc}: ${target} (a relative link to ${path}, not in the package)`);
      return "]";
    });
    for (const p of pathsIn(rest)) if (!isShipped(p) && !linked.has(p)) problems.push(`${doc}: ${p}`);
  };
  const fence = /^```[\s\S]*?^```/gm;
  let last = 0;
  for (const m of [...text.matchAll(fence), null]) {
    const before = text.slice(last, m?.index ?? text.length).replace(/<!--[\s\S]*?-->/g, "");
    const paragraphs = before.split(/\n\s*\n/);
    for (const p of paragraphs) paragraph(p);
    if (m === null) break;
    last = m.index + m[0].length;
    const saysClone = /\bclone\b/i.test(m[0]) || /\bclone\b/i.test(paragraphs.filter((p) => p.trim() !== "").pop() ?? "");
    for (const p of pathsIn(m[0])) if (!isShipped(p) && !saysClone) problems.push(`${doc}: ${p} (in a block of commands or code that does not say it runs in a clone)`);
  }
  return problems;
}

describe("every shipped Markdown file", () => {
  it("refers only to files the package ships, or links them in the repository (package.json repository)", () => {
    const repo = repositoryUrl();
    expect(repo).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    const tops = [...new Set([...tracked, ...shipped].filter((f) => f.includes("/")).map((f) => f.split("/")[0]!))];
    const docs = [...shipped].filter((f) => f.endsWith(".md")).sort();
    expect(docs.length).toBeGreaterThan(20);
    const problems = docs.flatMap((doc) => unshippedReferences(doc, readFileSync(join(root, doc), "utf8"), repo, tops));
    expect(problems).toEqual([]);
  });

  it("the check finds what a reader of node_modules cannot follow, and passes what they can", () => {
    const repo = "https://github.com/leastrole/leastrole";
    const tops = ["docs", "src", "test", "examples", "policies", "build"];
    const check = (text: string, doc = "docs/x.md") => unshippedReferences(doc, text, repo, tops);
    expect(check("Built by `src/usage/sql.ts`.")).toEqual(["docs/x.md: src/usage/sql.ts"]);
    expect(check("See [the fixture](../test/iac/fixtures/cdk-synth/).")).toEqual(["docs/x.md: ../test/iac/fixtures/cdk-synth/ (a relative link to test/iac/fixtures/cdk-synth, not in the package)"]);
    expect(check("```sh\nnpx vitest run test/collect\n```\n")).toEqual(["docs/x.md: test/collect (in a block of commands or code that does not say it runs in a clone)"]);
    expect(check("In a clone of the repository:\n\n```sh\nnpx vitest run test/collect\n```\n")).toEqual([]);
    expect(check(`Built by [\`src/usage/sql.ts\`](${repo}/blob/main/src/usage/sql.ts), see [usage](usage.md#aggregate) and \`docs/usage.md\`.`)).toEqual([]);
    expect(check(`[\`src/usage/nope.ts\`](${repo}/blob/main/src/usage/nope.ts)`)).toEqual([`docs/x.md: ${repo}/…/src/usage/nope.ts (a link to a path the repository does not have)`]);
    expect(check("The rules (`policies/rules/*.rego`), the wasm (`build/wasm/`), a user's `CodeUri: src/`, `src/iam/`.")).toEqual(["docs/x.md: policies/rules/*.rego", "docs/x.md: src/iam"]);
    expect(check("```sh\nopa build -t wasm -o dist/my-rules.wasm\n```\n")).toEqual([]);
    // A path linked once may be named again in its paragraph, not in the next one.
    expect(check(`Run [the tests](${repo}/tree/main/test/collect) with \`npx vitest run test/collect\`.\n\nOr \`npx vitest run test/collect\`.`)).toEqual(["docs/x.md: test/collect"]);
    expect(check("<!-- generated by test/collect/docs.test.ts -->")).toEqual([]);
  });
});

describe("the environment variables leastrole reads", () => {
  it("are each named in the shipped README or docs", () => {
    // The "no opa" error said "set LEASTROLE_OPA", and the internal-error line LEASTROLE_DEBUG=1,
    // which no doc named: a user could not find what either does, or that the other exists.
    const sources = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const read = new Set(sources.flatMap((f) => [...readFileSync(join(root, "src", f), "utf8").matchAll(/process\.env\.(LEASTROLE_\w+)/g)].map((m) => m[1]!)));
    expect(read.size).toBeGreaterThan(1);
    const docs = [...shipped].filter((f) => f.endsWith(".md")).map((f) => readFileSync(join(root, f), "utf8")).join("\n");
    expect([...read].filter((v) => !docs.includes(v)).sort()).toEqual([]);
  });
});
