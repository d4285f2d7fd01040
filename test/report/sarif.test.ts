import fc from "fast-check";
import type * as Sarif from "sarif";
import { beforeAll, describe, expect, it } from "vitest";
import { loadBuiltinPack } from "../../src/evaluate/pack.js";
import type { Severity } from "../../src/model/findings.js";
import { renderSarif, SECURITY_SEVERITY, toArtifactUri } from "../../src/report/index.js";
import { writeSarif } from "../../src/report/sarif.js";
import { EVIL, hostileScenario, scenario, writtenPieces, type Scenario } from "./fixtures.js";
import { expectValidSarif as expectValid, validateSarif as validate } from "./sarif-schema.js";

describe("renderSarif", () => {
  let sc: Scenario;
  let log: Sarif.Log;
  let run: Sarif.Run;
  beforeAll(() => {
    sc = scenario();
    log = expectValid(renderSarif(sc.report, sc.catalog, { artifactUri: "account/iam.json", sourceRoot: "/repo" }));
    run = log.runs[0]!;
  });

  it("validates against the official SARIF 2.1.0 schema", () => {
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
  });

  it("the validator does reject broken SARIF (so the test above means something)", () => {
    const broken = JSON.parse(renderSarif(sc.report, sc.catalog)) as Sarif.Log;
    (broken.runs[0]!.results![0] as { level: string }).level = "fatal";
    expect(validate(broken)).toBe(false);
    const noDriver = JSON.parse(renderSarif(sc.report, sc.catalog)) as { runs: Array<{ tool: Record<string, unknown> }> };
    delete noDriver.runs[0]!.tool.driver;
    expect(validate(noDriver)).toBe(false);
  });

  it("describes every rule GitHub needs: id, name, descriptions, help, helpUri, level, tags, security-severity", () => {
    const rules = run.tool.driver.rules!;
    // The catalog's rules, and a descriptor per rule and severity a finding has besides its rule's default.
    const atOther = sc.report.findings.filter((f) => f.severity !== sc.catalog.find((r) => r.id === f.ruleId)!.severity).map((f) => `${f.ruleId}/${f.severity}`);
    expect(atOther.length).toBeGreaterThan(0);
    expect(rules.map((r) => r.id)).toEqual([...new Set([...sc.catalog.map((r) => r.id), ...atOther])].sort());
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(["LR001", "LR901", "LR902", "LR903", "LR904"]));
    const lr001 = rules[0]!;
    const meta = loadBuiltinPack().catalog.rules.find((r) => r.id === "LR001")!;
    expect(lr001.name).toBe("shared-execution-role");
    expect(lr001.shortDescription!.text).toBe(meta.title);
    expect(lr001.fullDescription!.text.startsWith("One IAM role is the execution role of two or more Lambda functions")).toBe(true);
    expect(lr001.help!.text).toContain("Give each function its own execution role");
    expect(lr001.help!.markdown).toContain("[Lambda execution role](https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html)");
    expect(lr001.helpUri).toBe("https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html");
    expect(lr001.defaultConfiguration!.level).toBe("warning");
    expect(lr001.properties!["security-severity"]).toBe("5.5");
    expect(lr001.properties!.tags).toEqual(["security", "aws-lambda", "iam", "blast-radius"]);
    expect(lr001.properties!.precision).toBe("high");
    const critical = rules.find((r) => r.id === "LR901")!;
    expect(critical.defaultConfiguration!.level).toBe("error");
    expect(critical.properties!["security-severity"]).toBe("9.5");
    // info: no security-severity (GitHub would read any number as "low") and no security tag.
    const info = rules.find((r) => r.id === "LR904")!;
    expect(info.defaultConfiguration!.level).toBe("note");
    expect(info.properties!["security-severity"]).toBeUndefined();
    expect(info.properties!.tags).not.toContain("security");
    for (const r of rules) {
      expect(r.shortDescription!.text.length).toBeGreaterThan(0);
      expect(r.fullDescription!.text.length).toBeLessThanOrEqual(1024);
      expect(r.help!.text.length).toBeGreaterThan(0);
    }
  });

  it("cuts a rule description over GitHub's 1024 characters at a word boundary", () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${String(i).padStart(4, "0")}x`).join(" ");
    const catalog = [...sc.catalog.filter((r) => r.id !== "LR901"), { ...sc.catalog.find((r) => r.id === "LR901")!, description: words }];
    const rule = (JSON.parse(renderSarif(sc.report, catalog)) as Sarif.Log).runs[0]!.tool.driver.rules!.find((r) => r.id === "LR901")!;
    const text = rule.fullDescription!.text;
    expect(text.length).toBeLessThanOrEqual(1024);
    expect(text.endsWith("…")).toBe(true);
    const kept = text.slice(0, -1);
    expect(words.startsWith(kept)).toBe(true);
    expect(words[kept.length]).toBe(" ");
  });

  it("security-severity follows GitHub's bands for each severity", () => {
    const band = (score: number) => (score > 9 ? "critical" : score >= 7 ? "high" : score >= 4 ? "medium" : "low");
    for (const sev of ["critical", "high", "medium", "low"] as const) expect(band(Number(SECURITY_SEVERITY[sev]))).toBe(sev);
  });

  it("one result per finding, with ruleIndex pointing at its rule, level from the finding's severity", () => {
    const results = run.results!;
    expect(results).toHaveLength(sc.report.findings.length);
    for (const r of results) {
      expect(run.tool.driver.rules![r.ruleIndex!]!.id).toBe(r.ruleId);
      const f = sc.report.findings.find((x) => x.fingerprint === r.partialFingerprints!["leastrole/v1"])!;
      expect(r.message.text).toBe(f.message);
      expect(r.level).toBe({ critical: "error", high: "error", medium: "warning", low: "note", info: "note" }[f.severity]);
      expect(r.locations).toHaveLength(1);
      expect(r.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toBe(f.resource.arn);
    }
    // LR001 is medium by default but the rule raises it to high when functions differ: the result
    // says error, and is the result of LR001/high, whose security-severity is high's: GitHub takes
    // an alert's severity (and whether it fails a pull request's check) from its rule alone.
    const raised = results.find((r) => r.ruleId === "LR001/high")!;
    expect(raised.level).toBe("error");
    expect(raised.properties!.severity).toBe("high");
    const descriptor = run.tool.driver.rules![raised.ruleIndex!]!;
    expect([descriptor.id, descriptor.name, descriptor.defaultConfiguration!.level, descriptor.properties!["security-severity"]]).toEqual(["LR001/high", "shared-execution-role", "error", "8.0"]);
    // The rule's own help, at the finding's severity.
    const base = run.tool.driver.rules!.find((r) => r.id === "LR001")!;
    expect(base.help!.markdown!.startsWith("**LR001 Execution role shared by several functions** (medium)")).toBe(true);
    expect(descriptor.help!.markdown).toBe(base.help!.markdown!.replace("(medium)", "(high)"));
    // Its fingerprint is the finding's, as any result's.
    const f = sc.report.findings.find((x) => x.fingerprint === raised.partialFingerprints!["leastrole/v1"])!;
    expect([f.ruleId, f.severity]).toEqual(["LR001", "high"]);
    // Every result's rule has the result's own severity.
    for (const r of results) {
      const own = r.properties!.severity as Severity;
      expect(run.tool.driver.rules![r.ruleIndex!]!.properties!["security-severity"], r.ruleId).toBe({ critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: undefined }[own]);
    }
  });

  it("a finding's own file and line become the physical location; others point at the input file", () => {
    const located = run.results!.find((r) => r.ruleId === "LR901")!;
    expect(located.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: "infra/template.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 42 } });
    const unlocated = run.results!.find((r) => r.ruleId === "LR902")!;
    expect(unlocated.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: "account/iam.json", uriBaseId: "%SRCROOT%" } });
  });

  it("declares %SRCROOT% in originalUriBaseIds and marks every root-relative location with it; a file:// URI outside the root has none", () => {
    // SARIF 2.1.0 §3.14.14: an entry without uri (the root's absolute path would differ per machine), with a description.
    expect(Object.keys(run.originalUriBaseIds ?? {})).toEqual(["%SRCROOT%"]);
    expect(run.originalUriBaseIds!["%SRCROOT%"]!.uri).toBeUndefined();
    expect(run.originalUriBaseIds!["%SRCROOT%"]!.description!.text).toMatch(/root of the repository/);
    const locations = run.results!.flatMap((r) => r.locations!.map((l) => l.physicalLocation?.artifactLocation).filter((a) => a !== undefined));
    expect(locations.length).toBeGreaterThan(0);
    for (const a of locations) expect(a).toEqual({ uri: a!.uri, uriBaseId: "%SRCROOT%" });
    // An input outside the root: an absolute file URI, which must not be resolved against the root.
    const outside = expectValid(renderSarif(sc.report, sc.catalog, { artifactUri: "/elsewhere/iam.json", sourceRoot: "/repo" })).runs[0]!;
    const unlocated = outside.results!.find((r) => r.ruleId === "LR902")!;
    expect(unlocated.locations![0]!.physicalLocation!.artifactLocation).toEqual({ uri: "file:///elsewhere/iam.json" });
    // The log does not name the machine's root, so it is the same from another checkout.
    const elsewhere = renderSarif(sc.report, sc.catalog, { artifactUri: "account/iam.json", sourceRoot: "/other/checkout" });
    expect(elsewhere).toBe(renderSarif(sc.report, sc.catalog, { artifactUri: "account/iam.json", sourceRoot: "/repo" }));
    expect(elsewhere).not.toContain("/repo");
  });

  it("without an input file, results keep a logical location only (still valid SARIF)", () => {
    const bare = expectValid(renderSarif(sc.report, sc.catalog));
    const r = bare.runs[0]!.results!.find((x) => x.ruleId === "LR902")!;
    expect(r.locations![0]!.physicalLocation).toBeUndefined();
    expect(r.locations![0]!.logicalLocations![0]!.kind).toBe("resource");
  });

  it("suppressed findings carry an external, accepted suppression with the justification", () => {
    const r = run.results!.find((x) => x.suppressions)!;
    expect(r.suppressions).toEqual([
      { kind: "external", status: "accepted", justification: "Public webhook endpoint, reviewed by security (SEC-1234)", properties: { origin: "config:.leastrole.yaml", expires: "2027-01-31" } },
    ]);
    expect(run.results!.filter((x) => x.suppressions)).toHaveLength(sc.report.summary.suppressed);
  });

  it("is deterministic and carries the tool version and run category", () => {
    const a = renderSarif(sc.report, sc.catalog, { category: "leastrole/prod" });
    expect(renderSarif(sc.report, sc.catalog, { category: "leastrole/prod" })).toBe(a);
    const parsed = expectValid(a);
    // Ended with "/": GitHub reads the category up to the last "/", and "leastrole/prod" and
    // "leastrole/dev" would have been one category, "leastrole/", each upload replacing the other's.
    expect(parsed.runs[0]!.automationDetails).toEqual({ id: "leastrole/prod/" });
    expect((JSON.parse(renderSarif(sc.report, sc.catalog, { category: "accounts/" })) as Sarif.Log).runs[0]!.automationDetails).toEqual({ id: "accounts/" });
    expect(parsed.runs[0]!.tool.driver.version).toBe(sc.report.tool.version);
    expect(parsed.runs[0]!.tool.driver.name).toBe("leastrole");
  });

  it("written in pieces (what the CLI does) is byte for byte the same text", () => {
    for (const options of [{ category: "leastrole/prod" }, { artifactUri: "account/iam.json", sourceRoot: "/repo", maxResults: 3 }]) {
      const { text, pieces } = writtenPieces((write) => writeSarif(sc.report, sc.catalog, options, write));
      expect(text).toBe(renderSarif(sc.report, sc.catalog, options));
      expect(pieces).toBeGreaterThan(10);
    }
  });

  it("rule ids absent from the catalog still get a descriptor (a user pack without catalog)", () => {
    const log2 = expectValid(renderSarif(sc.report, []));
    const ids = log2.runs[0]!.tool.driver.rules!.map((r) => r.id);
    // Each at the severity of its first finding; the rule's findings at another severity, `<id>/<severity>`.
    const first = new Map<string, string>();
    for (const f of sc.report.findings) if (!first.has(f.ruleId)) first.set(f.ruleId, f.severity);
    expect(ids).toEqual([...new Set(sc.report.findings.map((f) => (f.severity === first.get(f.ruleId) ? f.ruleId : `${f.ruleId}/${f.severity}`)))].sort());
  });

  it("keeps at most maxResults, dropping the least severe, and says so", () => {
    const log2 = expectValid(renderSarif(sc.report, sc.catalog, { maxResults: 3 }));
    const results = log2.runs[0]!.results!;
    expect(results).toHaveLength(3);
    expect(results[0]!.level).toBe("error");
    const note = log2.runs[0]!.invocations![0]!.toolExecutionNotifications!.find((n) => n.descriptor?.id === "results-truncated")!;
    expect(note.message.text).toContain(`${sc.report.findings.length - 3} of ${sc.report.findings.length} results were left out`);
  });

  it("diagnostics become tool execution notifications", () => {
    const report = { ...sc.report, diagnostics: [{ severity: "error" as const, code: "evaluation-failed", message: "pack x aborted", pack: "x" }] };
    const log2 = expectValid(renderSarif(report, sc.catalog));
    const inv = log2.runs[0]!.invocations![0]!;
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications![0]).toMatchObject({ level: "error", message: { text: "pack x aborted" }, descriptor: { id: "evaluation-failed" } });
  });

  it("hostile strings stay data: valid SARIF, message kept verbatim", () => {
    const h = hostileScenario();
    const log2 = expectValid(renderSarif(h.report, h.catalog, { artifactUri: "in.json" }));
    const r = log2.runs[0]!.results!.find((x) => x.message.text?.includes("<script>"))!;
    expect(r.message.text).toBe(`Message ${EVIL}`);
    // The location file is a URI: characters that are not URI-safe are percent-encoded.
    const uri = r.locations![0]!.physicalLocation!.artifactLocation!.uri!;
    expect(uri.startsWith("src/")).toBe(true);
    expect(uri).not.toMatch(/[<>" `]/);
  });
});

describe("toArtifactUri", () => {
  it("makes paths repository-relative with forward slashes", () => {
    expect(toArtifactUri("/repo/infra/a b.yaml", "/repo")).toBe("infra/a%20b.yaml");
    expect(toArtifactUri("./infra/main.tf", "/repo")).toBe("infra/main.tf");
    expect(toArtifactUri("infra\\win.json", "/repo")).toBe("infra/win.json");
    expect(toArtifactUri("/elsewhere/x.json", "/repo")).toBe("file:///elsewhere/x.json");
    expect(toArtifactUri("a#b?.json", "/repo")).toBe("a%23b%3F.json");
  });

  it("encodes # and ? in file URIs too (outside the root), so the whole path is the path", () => {
    const uri = toArtifactUri("/tmp/odd#dir ?x/acct/iam.json", "/repo");
    expect(uri).toBe("file:///tmp/odd%23dir%20%3Fx/acct/iam.json");
    expect(new URL(uri).pathname).toBe("/tmp/odd%23dir%20%3Fx/acct/iam.json");
    expect(decodeURIComponent(new URL(uri).pathname)).toBe("/tmp/odd#dir ?x/acct/iam.json");
    expect(new URL(uri).hash).toBe("");
    expect(new URL(uri).search).toBe("");
  });

  it("always gives a valid uri-reference that decodes back to the relative path", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[^/\\\u0000]{1,12}$/).filter((s) => s !== "." && s !== ".."), { minLength: 1, maxLength: 4 }), (segments) => {
        const rel = segments.join("/");
        const uri = toArtifactUri(rel, "/repo");
        expect(decodeURIComponent(uri)).toBe(rel);
        expect(uri).not.toMatch(/[\s<>"{}|^`#?]/);
      }),
    );
  });
});
