/**
 * Held lists (src/evaluate/held-lists.ts): the built-in view keeps LR008's lists of unused actions
 * and LR013's readers out of the rules' input, and the evaluator puts them back into the findings.
 * What must hold: a finding gets exactly the list its token names, nothing else in a result is
 * touched, and the findings through the view (held lists, slices, workers) are those of the whole
 * document, which holds the lists itself (test/evaluate/rules-view.test.ts checks that on generated
 * accounts).
 */
import { describe, expect, it } from "vitest";
import { HELD, HeldLists, heldListsOf } from "../../src/evaluate/held-lists.js";
import { builtinRulesView } from "../../src/evaluate/rules-view.js";
import { sliceRulesView } from "../../src/evaluate/rules-slices.js";

describe("HeldLists", () => {
  it("puts each list back where its token is, and only there", () => {
    const held = new HeldLists();
    const a = ["s3:DeleteObject", "s3:PutObject"];
    const b = ["sqs:SendMessage"];
    const ta = held.hold(a, "arn:aws:lambda:us-east-1:123456789012:function:a");
    const tb = held.hold(b, "arn:aws:lambda:us-east-1:123456789012:function:b");
    expect([ta, tb]).toEqual(["arn:aws:lambda:us-east-1:123456789012:function:a", "arn:aws:lambda:us-east-1:123456789012:function:b"]);
    const raw = [
      { rule: "unused_permission", evidence: { unused: { $held: tb }, window: { days: 30 } } },
      { rule: "unused_permission", evidence: { unused: { $held: ta } } },
      // Not a token of this table, a token with another member, a token that is no string, no evidence.
      { rule: "x", evidence: { unused: { $held: "arn:other" }, other: { $held: ta, more: 1 }, n: { $held: 3 } } },
      { rule: "y" },
      "not an object",
    ];
    held.restore(raw);
    expect(raw[0]).toEqual({ rule: "unused_permission", evidence: { unused: b, window: { days: 30 } } });
    expect((raw[1] as { evidence: { unused: unknown } }).evidence.unused).toBe(a);
    expect(raw[2]).toEqual({ rule: "x", evidence: { unused: { $held: "arn:other" }, other: { $held: ta, more: 1 }, n: { $held: 3 } } });
    expect(raw.slice(3)).toEqual([{ rule: "y" }, "not an object"]);
    // A token met again (the same slice's result read twice) gets the same list.
    const again = [{ evidence: { unused: { $held: ta } } }];
    held.restore(again);
    expect(again[0]!.evidence.unused).toBe(a);
  });

  it("gives a second list under a key taken already a token of its own", () => {
    const held = new HeldLists();
    const first = held.hold(["a:One"], "k");
    const second = held.hold(["a:Two"], "k");
    const third = held.hold(["a:Three"], "k");
    expect([first, second, third]).toEqual(["k", "k#2", "k#3"]);
    expect([held.get(first), held.get(second), held.get(third)]).toEqual([["a:One"], ["a:Two"], ["a:Three"]]);
  });

  it("leaves a result that is not a list of findings as it is", () => {
    const held = new HeldLists();
    held.hold(["a:One"], "k");
    for (const raw of [null, 3, "text", { evidence: { unused: { $held: "k" } } }]) expect(held.restore(raw)).toBe(raw);
  });

  it("is carried by the view and each of its slices, and left out of their JSON", () => {
    const doc = { functions: [], roles: [], usage: { present: true, window: { days: 30 }, principals: [], labels: [] } } as never;
    const view = builtinRulesView(doc);
    const held = heldListsOf(view);
    expect(held).toBeInstanceOf(HeldLists);
    for (const slice of sliceRulesView(view as Record<string, unknown>)) expect(heldListsOf(slice)).toBe(held);
    expect(JSON.stringify(view)).not.toContain("held");
    expect(Object.getOwnPropertySymbols(view)).toEqual([HELD]);
    expect(heldListsOf({ functions: [] })).toBeUndefined();
  });
});
