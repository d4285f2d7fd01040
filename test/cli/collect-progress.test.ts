/**
 * collect's progress lines (src/cli/collect-progress.ts): on a large account one line per call was
 * thousands of lines (found by the collect review); calls on one resource each are summed up.
 */
import { describe, expect, it } from "vitest";
import { CollectProgressLines } from "../../src/cli/collect-progress.js";
import type { CollectProgress, ManifestCall } from "../../src/collect/index.js";

function call(operation: string, target: string | null, status: ManifestCall["status"], absent = false): CollectProgress {
  const [service, op] = operation.split(":") as [string, string];
  const c = { id: `us-east-1/${operation}/${target}`, service, operation: op, region: "us-east-1", target, status, files: [], count: 1, absent, reason: null, errorCode: status === "failed" ? "AccessDeniedException" : null, errorMessage: null, attempts: 1, startedAt: "", finishedAt: "", resumed: false } as ManifestCall;
  return { kind: "call", call: c, message: `${operation}${target ? ` ${target}` : ""} [us-east-1]: ${status === "failed" ? "FAILED" : absent ? "none" : "ok (1)"}` };
}

describe("CollectProgressLines", () => {
  it("prints the first call of each operation per phase, sums up the rest at the phase's end, and prints region calls and failures as they come", () => {
    const lines: string[] = [];
    let now = 0;
    const p = new CollectProgressLines((l) => lines.push(l), 5_000, () => now);
    p.event({ kind: "phase", message: "Lambda in us-east-1" });
    p.event(call("lambda:ListFunctions", null, "ok"));
    for (const fn of ["a", "b", "c", "d"]) {
      p.event(call("lambda:GetPolicy", fn, "ok", fn !== "b"));
      p.event(call("lambda:ListTags", fn, "ok"));
    }
    p.event(call("lambda:GetPolicy", "e", "failed"));
    p.event({ kind: "phase", message: "IAM" });
    p.event(call("lambda:ListTags", "z", "ok"));
    p.flush();
    expect(lines).toEqual([
      "leastrole: Lambda in us-east-1",
      "leastrole: lambda:ListFunctions [us-east-1]: ok (1)",
      "leastrole: lambda:GetPolicy a [us-east-1]: none",
      "leastrole: lambda:ListTags a [us-east-1]: ok (1)",
      "leastrole: lambda:GetPolicy e [us-east-1]: FAILED",
      "leastrole:   … and 6 more call(s): lambda:GetPolicy 1 ok, 2 none; lambda:ListTags 3 ok",
      "leastrole: IAM",
      // A new phase shows each operation's first call again.
      "leastrole: lambda:ListTags z [us-east-1]: ok (1)",
    ]);
  });

  it("prints the same lines whatever order a function's concurrent calls finish in (one ListTags, one GetPolicy)", () => {
    // Before, a call on a target already shown was printed: function a's GetPolicy shown first
    // made its ListTags a second ListTags line whenever b's ListTags had finished before it.
    const run = (events: CollectProgress[]): string[] => {
      const lines: string[] = [];
      const p = new CollectProgressLines((l) => lines.push(l), 5_000, () => 0);
      for (const e of events) p.event(e);
      p.flush();
      return lines.filter((l) => l.startsWith("leastrole: lambda:ListTags ") || l.includes("… and"));
    };
    const interleaved = run([call("lambda:GetPolicy", "a", "ok"), call("lambda:ListTags", "b", "ok"), call("lambda:GetPolicy", "b", "ok"), call("lambda:ListTags", "a", "ok")]);
    expect(interleaved).toEqual(["leastrole: lambda:ListTags b [us-east-1]: ok (1)", "leastrole:   … and 2 more call(s): lambda:GetPolicy 1 ok; lambda:ListTags 1 ok"]);
  });

  it("still says the S3 copy's summary on the prefix its listing named", () => {
    const lines: string[] = [];
    const p = new CollectProgressLines((l) => lines.push(l), 5_000, () => 0);
    p.event(call("s3:ListObjectsV2", "s3://trail/team/", "ok"));
    p.event(call("s3:GetObject", "s3://trail/team/AWSLogs/1.json.gz", "ok"));
    p.event(call("s3:GetObject", "s3://trail/team/AWSLogs/2.json.gz", "ok"));
    p.event(call("s3:GetObject", "s3://trail/team/", "ok"));
    p.flush();
    expect(lines).toContain("leastrole: s3:GetObject s3://trail/team/ [us-east-1]: ok (1)");
  });

  it("says the run is alive at most every few seconds while calls are summed up", () => {
    const lines: string[] = [];
    let now = 0;
    const p = new CollectProgressLines((l) => lines.push(l), 5_000, () => now);
    p.event({ kind: "phase", message: "CloudTrail log files under s3://trail/org/" });
    p.event(call("s3:ListObjectsV2", "s3://trail/org/", "ok"));
    for (let i = 0; i < 10_000; i++) {
      now += 10; // 100 s of downloads in all
      p.event(call("s3:GetObject", `s3://trail/org/AWSLogs/k${i}.json.gz`, "ok"));
    }
    p.event(call("s3:GetObject", "s3://trail/org/", "ok")); // the copy's own summary, on the listed prefix
    p.flush();
    expect(lines.slice(0, 3)).toEqual([
      "leastrole: CloudTrail log files under s3://trail/org/",
      "leastrole: s3:ListObjectsV2 s3://trail/org/ [us-east-1]: ok (1)",
      "leastrole: s3:GetObject s3://trail/org/AWSLogs/k0.json.gz [us-east-1]: ok (1)",
    ]);
    const alive = lines.filter((l) => l.includes("more call(s) finished in this phase"));
    expect(alive.length).toBe(19); // every 5 s of the 100 s after the first file was shown
    expect(alive[0]).toBe("leastrole:   … 500 more call(s) finished in this phase");
    expect(lines.slice(-2)).toEqual(["leastrole: s3:GetObject s3://trail/org/ [us-east-1]: ok (1)", "leastrole:   … and 9999 more call(s): s3:GetObject 9999 ok"]);
    expect(lines.length).toBe(3 + 19 + 2);
  });
});
