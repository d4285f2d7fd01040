/**
 * The analysis of principals that share their policies costs once per policy, not once per
 * principal, by counting the IAM engine's evaluations (not time). Why: LR013's readers and LR014's
 * steps on other functions were evaluated per principal and function; an account with 2,000 users
 * and 3,000 other roles beside 10,000 functions took 51 s of analysis (bench/results/scale.md,
 * session 47). Correctness of the shortcut is the property tests' (analyze.test.ts "principals
 * sharing their policies", escalation-targets.test.ts "other functions").
 */
import { describe, expect, it, vi } from "vitest";

const counted = vi.hoisted(() => ({ calls: 0 }));
vi.mock("../../src/analysis/iam.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/analysis/iam.js")>();
  return {
    ...original,
    evaluateRequest: (...args: Parameters<typeof original.evaluateRequest>) => {
      counted.calls++;
      return original.evaluateRequest(...args);
    },
  };
});

const { analyzeDocument } = await import("../../src/analysis/index.js");
const { loadActionCatalogSync } = await import("../../src/iam/index.js");
const { ACCOUNT, allow, documentOf, fn, policy, role, user } = await import("../fixtures/rules/builders.js");

const catalog = loadActionCatalogSync();

/** Evaluations for an account of `principals` users and as many roles with one team's deployer policy, beside 40 functions. */
function evaluations(principals: number): { calls: number; readers: number; reached: number } {
  const deployer = policy(
    allow(["lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode"], [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:team-*`]),
    allow(["s3:GetObject"], ["arn:aws:s3:::artifacts/*"]),
  );
  const users = Array.from({ length: principals }, (_, i) => user(`dev-${i}`, { p: deployer }));
  const deployers = Array.from({ length: principals }, (_, i) => role(`deploy-${i}`, { inline: { p: deployer } }));
  const execution = Array.from({ length: 4 }, (_, i) => role(`exec-${i}`, { inline: { p: policy(allow(["dynamodb:GetItem"])) } }));
  const functions = Array.from({ length: 40 }, (_, i) => fn(`${i % 2 === 0 ? "team" : "other"}-${i}`, `exec-${i % 4}`, { environmentVariableNames: ["X"] }));
  const doc = documentOf({ roles: [...execution, ...deployers], principals: users, functions });
  counted.calls = 0;
  const out = analyzeDocument(doc, catalog);
  const calls = counted.calls;
  const teamFn = out.functions.find((f) => f.name === "team-0")!;
  const path = out.roles.find((r) => r.name === "deploy-0")!.analysis!.escalationPaths.find((p) => p.id === "lambda-update-code");
  return { calls, readers: teamFn.analysis!.readerCount, reached: path?.resources.filter((r) => r.startsWith("arn:")).length ?? 0 };
}

describe("principals sharing their policies", () => {
  it("cost the IAM engine a few evaluations each, not a few per function they can read", () => {
    const small = evaluations(20);
    const large = evaluations(200);
    // Not vacuous: every deployer reads the team's functions and can update them.
    expect(small.readers).toBe(40);
    expect(large.readers).toBe(400);
    expect(large.reached).toBe(20);
    // Each principal's own analysis (its escalation steps) is a few evaluations; LR013 per principal
    // would add one per read action and team function: 2 × 20 = 40 per extra principal.
    const perExtraPrincipal = (large.calls - small.calls) / (2 * (200 - 20));
    expect(perExtraPrincipal).toBeLessThan(5);
  });
});
