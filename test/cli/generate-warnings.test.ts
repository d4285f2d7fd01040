/**
 * `leastrole generate` prints each distinct warning once: a warning about the whole input came once
 * per generated policy (8,500 of 14,000 lines at 10,000 functions).
 */
import { describe, expect, it } from "vitest";
import { warningLines } from "../../src/cli/commands/generate.js";

const target = (subject: string, ...messages: string[]) => ({ subject, build: { warnings: messages.map((message) => ({ code: "x", message })) } });

describe("generate's warnings on stderr", () => {
  it("a message shared by several policies is one line naming how many and the first; others name their policy", () => {
    const lines = warningLines([
      target("arn:f1", "The input document is partial.", "No calls by f1."),
      target("arn:f2", "The input document is partial."),
      target("arn:f3", "The input document is partial.", "No calls by f3."),
    ]);
    // Marked as warnings, as audit's are (before, "leastrole: 3 policies (arn:f1 and 2 more): …").
    expect(lines).toEqual([
      "leastrole: warning: 3 policies (arn:f1, arn:f2, arn:f3): The input document is partial.",
      "leastrole: warning: arn:f1: No calls by f1.",
      "leastrole: warning: arn:f3: No calls by f3.",
    ]);
  });

  it("functions of one name in several templates go by where they are defined, not by a synthetic account's ARN", () => {
    // Two templates read together, neither saying its account: each gets its own unknown-<hash>.
    const a = "arn:aws:lambda:unknown:unknown-0dedf4e0:function:ConsumerFunction";
    const b = "arn:aws:lambda:unknown:unknown-10a375b4:function:ConsumerFunction";
    const where = (s: string) => ({ [a]: "sqs/template.yaml#ConsumerFunction", [b]: "kinesis/template.yaml#ConsumerFunction" })[s];
    // Before: "leastrole: warning: arn:aws:lambda:unknown:unknown-0dedf4e0:function:ConsumerFunction: …".
    expect(warningLines([target(a, "No calls."), target(b, "No calls.", "Kept s3:GetObject.")], where)).toEqual([
      "leastrole: warning: 2 policies (kinesis/template.yaml#ConsumerFunction, sqs/template.yaml#ConsumerFunction): No calls.",
      "leastrole: warning: kinesis/template.yaml#ConsumerFunction: Kept s3:GetObject.",
    ]);
  });

  it("a message a policy repeats counts it once, and plain-string warnings are read too", () => {
    expect(warningLines([{ subject: "arn:r", build: { warnings: ["w", "w"] } }])).toEqual(["leastrole: warning: arn:r: w"]);
    expect(warningLines([])).toEqual([]);
  });

  it("policies go by their function's or role's name, sorted, the first five and how many more; by ARN when two share a name", () => {
    const fn = (n: string, region = "us-east-1") => `arn:aws:lambda:${region}:111122223333:function:${n}`;
    const names = ["g", "c", "a", "f", "b", "e", "d"];
    expect(warningLines(names.map((n) => target(fn(n), "Usage covers 4 days.")))).toEqual(["leastrole: warning: 7 policies (a, b, c, d, e and 2 more): Usage covers 4 days."]);
    expect(warningLines([target(fn("a"), "w"), target(fn("a", "eu-west-1"), "w")])).toEqual([`leastrole: warning: 2 policies (${fn("a", "eu-west-1")}, ${fn("a")}): w`]);
  });

  it("advice the same for several functions is said once naming them, then each one's own part", () => {
    const advice = "Data events are not known to be logged for every resource. If the trail logs them, set usage.dataEventsLogged: true.";
    const w = (own: string, fn?: string) => ({ code: "data-events-not-logged", message: `${own} ${advice}`, advice, ...(fn ? { function: fn } : {}) });
    const lines = warningLines([
      { subject: "arn:aws:lambda:us-east-1:111122223333:function:reports", build: { warnings: [w("Kept: s3:GetObject.")] } },
      { subject: "arn:aws:iam::111122223333:role/service-role/orders-role", build: { warnings: [w("orders-api: Kept: kinesis:PutRecord.", "orders-api"), w("orders-worker: Kept: kinesis:PutRecord.", "orders-worker")] } },
      { subject: "arn:aws:lambda:us-east-1:111122223333:function:images", build: { warnings: [w("Kept: xray:PutTraceSegments.")] } },
    ]);
    expect(lines).toEqual([
      `leastrole: warning: 4 functions (images, orders-api, orders-worker, reports): ${advice}`,
      "leastrole: warning: reports: Kept: s3:GetObject.",
      "leastrole: warning: orders-role: orders-api: Kept: kinesis:PutRecord.",
      "leastrole: warning: orders-role: orders-worker: Kept: kinesis:PutRecord.",
      "leastrole: warning: images: Kept: xray:PutTraceSegments.",
    ]);
  });
});
