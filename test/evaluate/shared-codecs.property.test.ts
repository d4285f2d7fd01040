import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withSharedCodecs } from "../../src/evaluate/opa-wasm.js";
import { encodeChunked, recycle } from "../../src/evaluate/wasm-input.js";

const RealEncoder = globalThis.TextEncoder;
const RealDecoder = globalThis.TextDecoder;

// Any UTF-16 text: lone surrogates included (encoded as U+FFFD, like TextEncoder does), and
// lengths past the encoder's 64 KiB starting buffer.
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: fc.constantFrom("a", "é", "€", "😀", "\ud800", "\udc00"), maxLength: 40 }),
  fc.tuple(fc.integer({ min: 20_000, max: 40_000 }), fc.constantFrom("a", "é", "€", "😀")).map(([n, c]) => c.repeat(n)),
);

describe("withSharedCodecs", () => {
  it("encodes every text to the bytes a fresh TextEncoder gives, call after call", () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), (texts) => {
        const expected = texts.map((t) => Array.from(new RealEncoder().encode(t)));
        const got = withSharedCodecs(() => texts.map((t) => Array.from(new TextEncoder().encode(t))));
        expect(got).toEqual(expected);
      }),
      { numRuns: 80 },
    );
  });

  it("decodes like a fresh TextDecoder, and builds a decoder with options as asked", () => {
    fc.assert(
      fc.property(text, (t) => {
        const bytes = new RealEncoder().encode(t);
        const got = withSharedCodecs(() => [new TextDecoder().decode(bytes), new TextDecoder("utf-8", { fatal: true }).decode(bytes)]);
        expect(got).toEqual([new RealDecoder().decode(bytes), new RealDecoder().decode(bytes)]);
      }),
      { numRuns: 100 },
    );
    withSharedCodecs(() => {
      expect(() => new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff]))).toThrow();
      expect(new TextEncoder()).toBeInstanceOf(RealEncoder);
      expect(new TextDecoder()).toBeInstanceOf(RealDecoder);
    });
  });

  it("restores the globals afterwards, also when the evaluation throws", () => {
    expect(withSharedCodecs(() => 42)).toBe(42);
    expect(globalThis.TextEncoder).toBe(RealEncoder);
    expect(() =>
      withSharedCodecs(() => {
        throw new Error("abort");
      }),
    ).toThrow("abort");
    expect(globalThis.TextEncoder).toBe(RealEncoder);
    expect(globalThis.TextDecoder).toBe(RealDecoder);
    // A fresh encoder outside owns its bytes.
    const a = new TextEncoder().encode("a");
    new TextEncoder().encode("b");
    expect(Array.from(a)).toEqual([97]);
  });
});

describe("encodeChunked with recycled chunks", () => {
  it("gives the bytes of JSON.stringify after earlier inputs' chunks were reused", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { minLength: 1, maxLength: 4 }), (values) => {
        for (const value of values) {
          const sink = encodeChunked({ value });
          const whole = Buffer.concat(sink.chunks);
          expect(whole.toString("utf8")).toBe(JSON.stringify({ value }));
          recycle(sink); // its chunk (the old bytes still in it) serves the next value
          expect(sink.chunks).toHaveLength(0);
        }
      }),
      { numRuns: 100 },
    );
  });
});
