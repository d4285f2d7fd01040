/**
 * SHA-256 of a short text or buffer, as lower-case hex. Node's one-shot `crypto.hash` (Node
 * ≥ 20.12) where it exists, else a Hash object: for the ~100-byte keys hashed per finding and per
 * policy statement, the one-shot call takes half the time (no Hash object, no stream state), and
 * at 10,000 functions an audit hashes 48,000 findings' keys after the last rule has run
 * (bench/results/scale.md, "Session 56").
 */
import * as crypto from "node:crypto";

type OneShot = (algorithm: string, data: string | Uint8Array, encoding: "hex") => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

export function sha256Hex(data: string | Uint8Array): string {
  return oneShot !== undefined ? oneShot("sha256", data, "hex") : crypto.createHash("sha256").update(data).digest("hex");
}
