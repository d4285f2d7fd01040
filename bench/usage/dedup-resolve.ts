/**
 * EventDedup.resolve at scale, this checkout's against another commit's, alternating in one
 * process: 1M fingerprints of eventIDs over 840 eventTime hours (35 days), 0.6% re-delivered, as
 * the scale trail (bench/scale). Prints each round's resolve time and duplicate count.
 *
 *   npx tsx bench/usage/dedup-resolve.ts [--base <commit>] [--rounds 6]
 *
 * The base's dedup.ts and fingerprints.ts are taken with `git show` into a temporary folder.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { EventDedup } from "../../src/usage/dedup.js";
import { fingerprint } from "../../src/usage/fingerprints.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? dflt) : dflt;
};
const base = opt("base", "8be789f4");
const rounds = Number(opt("rounds", "6"));

type Dedup = { add(h1: number, h2: number, hour: number, group: number): void; resolve(): { duplicates: number } };
const dir = mkdtempSync(join(tmpdir(), "leastrole-dedup-base-"));
try {
  for (const f of ["dedup.ts", "fingerprints.ts"]) writeFileSync(join(dir, f), execFileSync("git", ["show", `${base}:src/usage/${f}`]));
  const Base = ((await import(pathToFileURL(join(dir, "dedup.ts")).href)) as { EventDedup: new () => Dedup }).EventDedup;

  const n = 1_000_000;
  const entries = new Uint32Array(n * 3);
  let x = 12345;
  const rnd = (): number => (x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) | 0) >>> 0;
  for (let i = 0; i < n; i++) {
    const src = i > 1000 && rnd() % 1000 < 6 ? rnd() % i : i;
    const [a, b] = fingerprint(`8a7f1c2e-0000-4000-8000-${src}`);
    entries.set([a, b, 400_000 + (src % 840)], 3 * i);
  }
  for (let round = 0; round < rounds; round++) {
    for (const [name, C] of [[base, Base], ["head", EventDedup as unknown as new () => Dedup]] as const) {
      const d = new C();
      for (let i = 0; i < n; i++) d.add(entries[3 * i] as number, entries[3 * i + 1] as number, entries[3 * i + 2] as number, i % 50_000);
      const t = performance.now();
      const r = d.resolve();
      console.log(`round ${round} ${name}: resolve ${(performance.now() - t).toFixed(1)} ms, ${r.duplicates} duplicates`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
