/**
 * The evaluator writes its input straight into the wasm memory, and gives the built-in pack only
 * the built-in rules' view of the document (src/evaluate/rules-view.ts). Both must be invisible in
 * the findings: the streamed JSON is byte for byte JSON.stringify's, and the built-in rules find
 * exactly the same on the view as on the whole document (the path every earlier test took), on a
 * generated account with CloudTrail usage (unused, denied, shared roles, escalation) and on the
 * hand-made edge cases.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeDocument, evaluateDocument, evaluatePackRaw, loadBuiltinPack } from "../../src/evaluate/index.js";
import { heldListsOf } from "../../src/evaluate/held-lists.js";
import { builtinRulesView, UNUSED_HEAD, usedByFunctionOf, type SlimPermissionLabels } from "../../src/evaluate/rules-view.js";
import { sliceRulesView } from "../../src/evaluate/rules-slices.js";
import { ChunkSink } from "../../src/evaluate/wasm-input.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { writeJson } from "../../src/normalize/write-json.js";
import { canonicalJson } from "../support/canonical-json.js";
import { generatedAccountDocument } from "../support/generated-account.js";
import { syntheticDocument } from "../support/synthetic-document.js";

const account = generatedAccountDocument({ functions: 30, records: 4000, seed: 5 }, 120_000);
let scaled: CanonicalDocument;
beforeAll(() => {
  scaled = account();
});

function sorted(findings: unknown): string[] {
  return (findings as unknown[]).map(canonicalJson).sort();
}

/** The whole document, serialised in one piece: what the evaluator was given before. */
function whole(doc: CanonicalDocument): unknown[] {
  return evaluatePackRaw(loadBuiltinPack(), encodeDocument(doc)) as unknown[];
}

describe("ChunkSink", () => {
  it("holds exactly the UTF-8 bytes of the JSON, whatever the chunk size (characters never split)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 4, max: 64 }), (value, chunkSize) => {
        const sink = new ChunkSink(chunkSize);
        writeJson(value, (s) => sink.write(s), 4);
        sink.finish();
        const bytes = Buffer.concat(sink.chunks);
        expect(sink.length).toBe(bytes.length);
        expect(bytes.toString("utf8")).toBe(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });
});

describe("the built-in rules' view", () => {
  it("finds exactly what the whole document gives on a generated account with usage", () => {
    const streamed = evaluatePackRaw(loadBuiltinPack(), scaled) as unknown[];
    const reference = whole(scaled);
    // Not a vacuous comparison: usage findings (unused, denied) and cross-function ones are there.
    expect(reference.length).toBeGreaterThan(30);
    expect(evaluateDocument(scaled, [loadBuiltinPack()]).findings.some((f) => f.ruleId === "LR008")).toBe(true);
    expect(sorted(streamed)).toEqual(sorted(reference));
  }, 60_000);

  it("finds exactly what the whole document gives on synthetic documents and the edge cases", () => {
    const edge = JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "documents", "edge-cases.json"), "utf8")) as CanonicalDocument;
    for (const doc of [syntheticDocument(300, 2), edge]) {
      expect(sorted(evaluatePackRaw(loadBuiltinPack(), doc))).toEqual(sorted(whole(doc)));
    }
  }, 60_000);

  it("gives the same report through evaluateDocument, object or encoded", () => {
    const a = evaluateDocument(scaled, [loadBuiltinPack()]);
    const b = evaluateDocument(encodeDocument(scaled), [loadBuiltinPack()]);
    expect(a.findings).toEqual(b.findings);
    expect(a.diagnostics).toEqual(b.diagnostics);
    const rules = new Set(a.findings.map((f) => f.ruleId));
    for (const id of ["LR008", "LR009"]) expect(rules).toContain(id);
  }, 60_000);

  it("groups the functions' own successful calls by role and function as used_by_function does (usedByFunction)", () => {
    const role = "arn:aws:iam::123456789012:role/shared";
    const fn = (n: string): string => `arn:aws:lambda:us-east-1:123456789012:function:${n}`;
    const call = (action: string, count: number, deniedCount = 0) => ({ action, count, deniedCount });
    const groups = usedByFunctionOf([
      // Two principals of one function (src/usage/labels.ts): one entry of both.
      { roleArn: role, functionArn: fn("a"), sessionKind: "function", invokedBy: null, actions: [call("s3:GetObject", 2), call("sqs:SendMessage", 1)] },
      { roleArn: role, functionArn: fn("a"), sessionKind: "function", actions: [call("dynamodb:GetItem", 1), call("s3:GetObject", 1)] },
      // Calls a service made with the role's credentials, and Lambda's own sessions: not the function's.
      { roleArn: role, functionArn: fn("a"), sessionKind: "function", invokedBy: "apigateway.amazonaws.com", actions: [call("kms:Decrypt", 1)] },
      { roleArn: role, functionArn: null, sessionKind: "lambda-service", invokedBy: null, actions: [call("sqs:ReceiveMessage", 1)] },
      // Only refused: the pair is there, with nothing used.
      { roleArn: role, functionArn: fn("b"), sessionKind: "function", invokedBy: null, actions: [call("s3:PutObject", 2, 2)] },
      // The deployed role's session counts for the document's role.
      { roleArn: `${role}-A1B2`, documentRoleArn: role, functionArn: fn("c"), sessionKind: "function", invokedBy: null, actions: [call("sns:Publish", 1)] },
    ]);
    expect(groups).toEqual([
      { roleArn: role, functionArn: fn("a"), actions: ["dynamodb:GetItem", "s3:GetObject", "sqs:SendMessage"] },
      { roleArn: role, functionArn: fn("b"), actions: [] },
      { roleArn: role, functionArn: fn("c"), actions: ["sns:Publish"] },
    ]);
  });

  it("gives each slice the groups of its own principals", () => {
    const view = builtinRulesView(scaled) as { usage: { principals: unknown[]; usedByFunction: unknown[] } };
    expect(view.usage.usedByFunction).toEqual(usedByFunctionOf(view.usage.principals));
    const slices = sliceRulesView(view as Record<string, unknown>, 5) as Array<{ usage: { principals: unknown[]; usedByFunction: unknown[] } }>;
    expect(slices.length).toBeGreaterThan(1);
    for (const s of slices) expect(s.usage.usedByFunction).toEqual(usedByFunctionOf(s.usage.principals));
    expect(slices.reduce((n, s) => n + s.usage.usedByFunction.length, 0)).toBe(view.usage.usedByFunction.length);
  });

  it("keeps only function sessions and fully covered function labels, unused actions listed, the rest counted", () => {
    const view = builtinRulesView(scaled) as {
      usage: { principals: Array<{ sessionKind: string }>; labels: Array<SlimPermissionLabels & { permissions?: unknown }> };
      policies?: unknown;
      accounts?: unknown;
    };
    expect(view.policies).toBeUndefined();
    // Kept: one small entry per account, whose function coverage LR016 reads.
    expect(view.accounts).toBe(scaled.accounts);
    expect(scaled.usage.principals.some((p) => p.sessionKind !== "function")).toBe(true);
    expect(view.usage.principals.every((p) => p.sessionKind === "function")).toBe(true);
    expect(view.usage.principals).toHaveLength(scaled.usage.principals.filter((p) => p.sessionKind === "function").length);
    const full = new Map(scaled.usage.labels.filter((l) => l.fullWindow && l.functionArn).map((l) => [l.functionArn, l]));
    expect(view.usage.labels).toHaveLength(full.size);
    for (const l of view.usage.labels) {
      const original = full.get(l.functionArn)!;
      expect(l.permissions).toBeUndefined();
      const unused = original.permissions.filter((p) => p.label === "unused");
      const expected = [...new Set(unused.filter((p) => p.exception === null).map((p) => p.action))].sort();
      // The count and the head in the view, the whole list held (held-lists.ts) under the function's ARN.
      expect(l.unusedActionCount).toBe(expected.length);
      expect(l.unusedActionsHead).toEqual(expected.slice(0, UNUSED_HEAD));
      expect(l.unusedActionsHeld).toBe(expected.length === 0 ? null : `unusedActions ${l.functionArn}`);
      if (l.unusedActionsHeld !== null) expect(heldListsOf(view)!.get(l.unusedActionsHeld)).toEqual(expected);
      expect(l.keptExceptions).toEqual(unused.filter((p) => p.exception !== null).map((p) => ({ action: p.action, reason: p.exception!.reason })));
      expect(Object.values(l.labelCounts).reduce((a, b) => a + b, 0)).toBe(original.permissions.length);
    }
  });

  it("gives LR008 the unused actions in OPA's order, exceptions kept in order, for any action names", () => {
    const doc = structuredClone(scaled);
    const label = doc.usage.labels.find((l) => l.fullWindow && l.functionArn)!;
    const perm = (action: string, label: "unused" | "used", reason: string | null) => ({ ...label0, action, label, exception: reason === null ? null : { reason } });
    const label0 = label.permissions[0]!;
    // UTF-16 and UTF-8 order differ past U+FFFF (a surrogate pair sorts before U+FFFD in JavaScript).
    label.permissions = [
      perm("s3:z", "unused", null),
      perm("s3:\u{1F600}", "unused", null),
      perm("s3:\uFFFD", "unused", null),
      perm("s3:é", "unused", null),
      perm("s3:z", "unused", null),
      perm("sns:Publish", "unused", "disaster recovery"),
      perm("dynamodb:GetItem", "used", null),
      perm("sqs:SendMessage", "unused", "error path"),
    ];
    const view = builtinRulesView(doc) as { usage: { labels: SlimPermissionLabels[] } };
    const slim = view.usage.labels.find((l) => l.functionArn === label.functionArn)!;
    expect(heldListsOf(view)!.get(slim.unusedActionsHeld!)).toEqual(["s3:z", "s3:é", "s3:\uFFFD", "s3:\u{1F600}"]);
    expect(slim.unusedActionsHead).toEqual(["s3:z", "s3:é", "s3:\uFFFD", "s3:\u{1F600}"]);
    const findings = evaluatePackRaw(loadBuiltinPack(), doc) as Array<{ rule: string; evidence: { unused?: string[] } }>;
    expect(sorted(findings)).toEqual(sorted(whole(doc)));
    expect(findings.some((f) => f.rule === "unused_permission" && f.evidence.unused?.includes("s3:\u{1F600}"))).toBe(true);
  }, 60_000);

  it("keeps each role's escalation paths and leaves out the methods its policies rule out (no rule reads them)", () => {
    const blocked = () => scaled.roles.map((r) => r.analysis?.blockedEscalations.length ?? 0);
    const before = blocked();
    expect(before.some((n) => n > 0)).toBe(true);
    const view = builtinRulesView(scaled) as { roles: Array<{ arn: string; analysis: Record<string, unknown> }> };
    for (const r of view.roles) {
      const original = scaled.roles.find((x) => x.arn === r.arn)!;
      expect(r.analysis.blockedEscalations).toBeUndefined();
      expect(r.analysis.escalationPaths).toEqual(original.analysis!.escalationPaths);
    }
    // The document keeps them: the view is a copy where it differs.
    expect(blocked()).toEqual(before);
  });

  it("keeps only denied requirements, without their statements, and no source or warning list or partial flag in meta", () => {
    const view = builtinRulesView(scaled) as { functions: Array<{ arn: string; analysis: { requirements: Array<Record<string, unknown>> } }>; meta: Record<string, unknown> };
    const all = scaled.functions.flatMap((f) => f.analysis!.requirements);
    // Not vacuous: the generated account has granted and denied requirements, with statements.
    expect(all.some((r) => r.decision === "allowed" && r.statements.length > 0)).toBe(true);
    expect(all.some((r) => r.decision === "implicit-deny")).toBe(true);
    for (const fn of view.functions) {
      const original = scaled.functions.find((f) => f.arn === fn.arn)!.analysis!.requirements;
      const denied = original.filter((r) => r.decision === "implicit-deny" || r.decision === "explicit-deny");
      expect(fn.analysis.requirements).toEqual(denied.map(({ statements: _s, ...r }) => r));
    }
    expect(scaled.meta.sources.length).toBeGreaterThan(0);
    // `partial` is set once every usage label is made, which the audit does while slices are evaluated.
    const { partial: _partial, ...meta } = scaled.meta;
    expect(view.meta).toEqual({ ...meta, sources: [], warnings: [] });
  });
});

describe("loadPolicyUnsigned", () => {
  it("returns the module's addresses unsigned and restores WebAssembly.Instance", async () => {
    const { loadPolicyUnsigned } = await import("../../src/evaluate/opa-wasm.js");
    const Real = WebAssembly.Instance;
    const policy = loadPolicyUnsigned(loadBuiltinPack().module, { initial: 64 });
    expect(WebAssembly.Instance).toBe(Real);
    const exports = policy.wasmInstance.exports as Record<string, (...a: number[]) => number>;
    // An address written as a negative i32 (past 2 GiB) reads back as the unsigned address.
    const heap = exports.opa_heap_ptr_get!();
    exports.opa_heap_ptr_set!(0x80001000 | 0);
    expect(exports.opa_heap_ptr_get!()).toBe(0x80001000);
    exports.opa_heap_ptr_set!(heap);
    policy.setData({});
    expect(policy.evaluate({ functions: [] }, "leastrole/findings")).toEqual([{ result: [] }]);
  });
});
