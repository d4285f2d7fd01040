/**
 * CloudTrail files as gzip: members read whole, bytes after them that are not gzip ignored with a
 * reason (as `gzip -d` does, "trailing garbage ignored"), a stream cut short read up to the cut.
 * Before, bytes appended to a whole member made zlib throw "incorrect header check" and every
 * record of the file was dropped (the bad-input sweep of session 58).
 */
import fc from "fast-check";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decode } from "../../src/usage/read-file.js";

describe("decode: gzip members and what follows them", () => {
  const text = JSON.stringify({ Records: [{ eventName: "GetObject", eventSource: "s3.amazonaws.com" }] });

  it("reads every member and names the bytes after them, whatever they are (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 3 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), (parts, tail) => {
        // Not the magic of another member, and not NUL: zlib itself takes bytes from a NUL on as padding.
        fc.pre(tail[0] !== 0x1f && tail[0] !== 0);
        const raw = Buffer.concat([...parts.map((p) => gzipSync(p)), Buffer.from(tail)]);
        const { data, problem } = decode(raw);
        expect(data.toString("utf8")).toBe(parts.join(""));
        expect(problem).toBe(`${tail.length} bytes after the gzip data are not gzip (ignored); the ${Buffer.byteLength(parts.join(""))} bytes before them were read`);
      }),
    );
  });

  it("a whole file: no problem; a file cut short: what came before the cut, and the damage said", () => {
    expect(decode(gzipSync(text))).toEqual({ data: Buffer.from(text), problem: null });
    const cut = gzipSync(text.repeat(200)).subarray(0, 60);
    const { data, problem } = decode(cut);
    expect(problem).toMatch(/^gzip stream is damaged/);
    expect(text.repeat(200).startsWith(data.toString("utf8"))).toBe(true);
  });
});
