/**
 * sha256Hex (src/sha256.ts), which makes findings' fingerprints and statements' content ids, is
 * SHA-256 as a Hash object computes it, for any text (UTF-8, lone surrogates included) and any
 * bytes: fingerprints are compared across runs and versions (baselines, suppressions), so the
 * one-shot path must not change one of them.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fingerprintOf } from "../../src/evaluate/index.js";
import { sha256Hex } from "../../src/sha256.js";

const reference = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

describe("sha256Hex", () => {
  it("equals a Hash object's digest for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(sha256Hex(s)).toBe(reference(s));
      }),
      { numRuns: 500 },
    );
  });

  it("equals a Hash object's digest for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (b) => {
        expect(sha256Hex(b)).toBe(reference(b));
      }),
      { numRuns: 200 },
    );
  });

  it("keeps a finding's fingerprint as before (AWS-style ARN, NUL-separated key)", () => {
    const arn = "arn:aws:lambda:eu-west-1:123456789012:function:orders-api";
    expect(fingerprintOf("LR008", arn, "")).toBe(reference(`LR008\u0000${arn}\u0000`).slice(0, 32));
  });
});
