import { describe, expect, it } from "vitest";
import { readSourceBytes } from "../../src/sources/index.js";

describe("keys named __proto__", () => {
  it("keep a tag named __proto__ as a tag", () => {
    const tags = Buffer.from('{"Tags": {"__proto__": "x", "team": "a"}}');
    const r = readSourceBytes("lambda/us-east-1/list-tags/f.json", tags, {});
    const patch = r.fragment?.functionPatches[0]?.patch.tags;
    expect(patch).toBeDefined();
    expect(Object.keys(patch!)).toEqual(["__proto__", "team"]);
    expect(Object.getPrototypeOf(patch)).toBe(Object.prototype);
  });
});
