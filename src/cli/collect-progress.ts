/**
 * collect's progress lines on stderr. One line per call is thousands on a large account (five or
 * six calls per function and published version, one per CloudTrail log file copied: an organisation
 * trail's 100,000 files were 100,000 lines), so calls on one resource each (a function, a layer, a
 * role, a log file) that succeed are summed up: the first of each operation in a phase is printed,
 * then at most one line every few seconds says how many more have finished (the run is alive), and
 * the phase's end says how many of each. Phases, throttling, calls of a region or of the account,
 * and failures (the caller's) are printed as they come; the manifest keeps every call.
 */

import type { CollectProgress } from "../collect/index.js";

export class CollectProgressLines {
  private readonly printed = new Set<string>();
  private readonly targets = new Set<string>();
  private readonly tally = new Map<string, { ok: number; none: number }>();
  private quiet = 0;
  private lastLine: number;

  constructor(
    private readonly print: (line: string) => void,
    private readonly everyMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {
    this.lastLine = now();
  }

  event(e: CollectProgress): void {
    if (e.kind === "phase") this.flush();
    if (e.kind !== "call" || e.call.target === null || e.call.status === "failed") {
      this.line(`leastrole: ${e.message}`);
      return;
    }
    const operation = `${e.call.service}:${e.call.operation}`;
    // The first of each operation, and the S3 copy's own summary (s3:GetObject on the prefix
    // ListObjectsV2 listed: the same target), which is said, not counted as a file. Only S3's: a
    // function's calls share its name as target, so "a target already shown" printed the second
    // ListTags whenever another function's came first, and what was printed depended on the order
    // concurrent calls finished in.
    if (!this.printed.has(operation) || (e.call.service === "s3" && this.targets.has(e.call.target))) {
      this.printed.add(operation);
      this.targets.add(e.call.target);
      this.line(`leastrole: ${e.message}`);
      return;
    }
    const counts = this.tally.get(operation) ?? { ok: 0, none: 0 };
    if (e.call.status === "ok" && !e.call.absent) counts.ok++;
    else counts.none++;
    this.tally.set(operation, counts);
    this.quiet++;
    if (this.now() - this.lastLine >= this.everyMs) this.line(`leastrole:   … ${this.quiet} more call(s) finished in this phase`);
  }

  /** The phase's summed-up calls, one line; then a new phase. */
  flush(): void {
    if (this.tally.size > 0) {
      const each = [...this.tally].map(([op, c]) => `${op} ${[c.ok > 0 ? `${c.ok} ok` : "", c.none > 0 ? `${c.none} none` : ""].filter(Boolean).join(", ")}`);
      this.line(`leastrole:   … and ${this.quiet} more call(s): ${each.join("; ")}`);
    }
    this.printed.clear();
    this.targets.clear();
    this.tally.clear();
    this.quiet = 0;
  }

  private line(text: string): void {
    this.lastLine = this.now();
    this.print(text);
  }
}
