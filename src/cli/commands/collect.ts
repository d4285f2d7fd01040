import type { Command } from "commander";
import { ALL_FEATURES, collect, collectPolicy, parseCloudTrailSource, type CollectFeature } from "../../collect/index.js";
import { summarisedReasons } from "../../collect/manifest.js";
import { InputError } from "../../errors.js";
import { makeProgress } from "../context.js";
import { writeErr } from "../io.js";
import { CollectProgressLines } from "../collect-progress.js";

interface CollectFlags {
  out: string;
  profile?: string;
  regions?: string;
  resume?: boolean;
  cloudtrail?: string;
  accessAdvisor?: boolean;
  accessAnalyzer?: boolean;
  configAggregator?: string;
  aggregatorRegion?: string;
  since?: string;
  days?: string;
  endpoint?: string;
  requestTimeout?: string;
  printPolicy?: boolean;
}

/**
 * `--print-policy`: the policy of the collection these flags ask for. Without a feature flag, every
 * feature's (the policy of an auditor role that may run any collection). With some, only theirs:
 * a user who collects `--cloudtrail s3://bucket/prefix` attaches no Athena, Lake or Config
 * statement, and gets S3 scoped to that bucket and prefix (with athena:…?output=s3://…, the
 * results statement is scoped to that location).
 */
function policyForFlags(flags: CollectFlags): ReturnType<typeof collectPolicy> {
  const source = flags.cloudtrail === undefined ? null : parseCloudTrailSource(flags.cloudtrail);
  const features: CollectFeature[] = [
    ...(flags.regions?.trim() === "all" ? (["all-regions"] as const) : []),
    ...(flags.accessAdvisor === true ? (["access-advisor"] as const) : []),
    ...(flags.accessAnalyzer === true ? (["access-analyzer"] as const) : []),
    ...(flags.configAggregator !== undefined ? (["config-aggregator"] as const) : []),
    ...(source === null ? [] : [`cloudtrail-${source.kind}` as const]),
  ];
  const athena = source?.kind === "athena" && source.output !== null ? { athena: { output: source.output } } : {};
  const s3 = source?.kind === "s3" ? { s3: { bucket: source.bucket, prefix: source.prefix } } : {};
  return collectPolicy({ features: features.length > 0 ? ["inventory", ...features] : [...ALL_FEATURES], ...athena, ...s3 });
}

export function registerCollect(program: Command): void {
  program
    .command("collect")
    .description("read IAM and Lambda configuration (and optionally activity) from AWS, read-only, into files audit reads")
    .option("--out <dir>", "folder to write (empty or absent, unless --resume)")
    .option("--profile <name>", "AWS profile (default: the standard credential chain)")
    .option("--regions <list>", "comma-separated regions, or `all` for every enabled region (default: the profile's region)")
    .option("--resume", "continue an interrupted or partial run in --out with its options (regions, --cloudtrail and its window…), skipping calls that succeeded")
    .option(
      "--cloudtrail <source>",
      "also collect activity: `lookup` (Event history, management events), s3://bucket/prefix (the trail's log files), " +
        "athena:<database>.<table>[?workgroup=…&output=s3://…&region=…] (runs the shipped usage query in Athena), lake:<event data store>[?region=…] " +
        "or security-lake:<database>.<management events table>[?s3=<table>&lambda=<table>&workgroup=…&output=s3://…&region=…] (the Security Lake query, in Athena)",
    )
    .option("--access-advisor", "also collect IAM Access Advisor action-level last-accessed data for Lambda roles")
    .option("--access-analyzer", "also collect the unused-access findings of an existing Access Analyzer unused-access analyzer")
    .option(
      "--config-aggregator <name>",
      "read the IAM and Lambda inventory of every account and region of this AWS Config aggregator (credentials of the aggregator's account), instead of this account's IAM and Lambda",
    )
    .option("--aggregator-region <region>", "the region of the --config-aggregator aggregator (default: the profile's region)")
    .option("--since <date>", "start of the CloudTrail window (YYYY-MM-DD, UTC, or an ISO date-time with its zone)")
    .option("--days <n>", "length of the CloudTrail window ending now (default 90)")
    .option("--endpoint <url>", "one endpoint for every service (a local emulator)")
    .option("--request-timeout <seconds>", "give up on an attempt of a call after this many seconds without a byte from the endpoint (default 60; the SDK retries each call a few times)")
    .option("--print-policy", "print the minimal IAM policy needed to run collect with the other flags given (without --regions all, --cloudtrail, --access-advisor, --access-analyzer or --config-aggregator: every feature's), and exit, calling nothing")
    .action(async (flags: CollectFlags, cmd: Command) => {
      if (flags.printPolicy) {
        process.stdout.write(JSON.stringify(policyForFlags(flags), null, 2) + "\n");
        return;
      }
      const quiet = cmd.optsWithGlobals<{ quiet?: boolean }>().quiet === true;
      const progress = makeProgress({ quiet });
      if (!flags.out) throw new InputError("--out <dir> is required: the folder to write the collected files to");
      const days = flags.days === undefined ? undefined : Number(flags.days);
      if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw new InputError(`--days must be a whole number of days, 1 or more (got ${flags.days})`);
      const timeout = flags.requestTimeout === undefined ? undefined : Number(flags.requestTimeout);
      if (timeout !== undefined && (!Number.isFinite(timeout) || timeout < 1)) throw new InputError(`--request-timeout must be a number of seconds, 1 or more (got ${flags.requestTimeout})`);
      // Ctrl-C: end the call in flight, cancel a running Athena/Lake query (it would go on scanning
      // and billing; collect says so when there is one), leave a manifest that --resume continues
      // from, and exit; a second Ctrl-C exits at once.
      const interrupt = new AbortController();
      const onSigint = () => {
        if (interrupt.signal.aborted) process.exit(130);
        process.stderr.write("leastrole: interrupted: stopping (Ctrl-C again to quit at once)\n");
        interrupt.abort();
      };
      process.on("SIGINT", onSigint);
      const failures = new Map<string, number>();
      const lines = new CollectProgressLines((line) => progress.note(line));
      const result = await collect({
        signal: interrupt.signal,
        out: flags.out,
        profile: flags.profile,
        regions: flags.regions === undefined ? undefined : flags.regions === "all" ? "all" : flags.regions.split(",").map((r) => r.trim()).filter(Boolean),
        resume: flags.resume === true,
        cloudtrail: flags.cloudtrail,
        // Absent, not false: --resume takes what the collection was started with (collect.ts).
        accessAdvisor: flags.accessAdvisor === true ? true : undefined,
        accessAnalyzer: flags.accessAnalyzer === true ? true : undefined,
        configAggregator: flags.configAggregator,
        aggregatorRegion: flags.aggregatorRegion,
        since: flags.since,
        days,
        endpoint: flags.endpoint,
        ...(timeout === undefined ? {} : { requestTimeoutMs: Math.round(timeout * 1000) }),
        onProgress: (e) => {
          // One missing permission fails a per-function call for every function: its first
          // failure is shown, the rest are summed up at the end (the manifest keeps each).
          if (e.kind === "call" && e.call.status === "failed" && e.call.reason === null) {
            const key = `${e.call.failedOperation ?? `${e.call.service}:${e.call.operation}`}\u0000${e.call.errorCode ?? ""}`;
            const seen = failures.get(key) ?? 0;
            failures.set(key, seen + 1);
            if (seen === 1) progress.note(`leastrole: (further ${e.call.failedOperation ?? `${e.call.service}:${e.call.operation}`} failures with ${e.call.errorCode ?? "this error"} are summed up at the end)`);
            if (seen >= 1) return;
          }
          lines.event(e);
        },
      }).finally(() => {
        process.off("SIGINT", onSigint);
        lines.flush();
      });
      progress.done();
      const m = result.manifest;
      // -q: no progress or notes; what makes the collection incomplete (exit 1) is still said.
      if (!quiet) {
        // What to run next, with the folder as the user named it (quoted for the shell when it must be).
        const folder = /^[\w./:@+-]+$/.test(flags.out) ? flags.out : `'${flags.out.replace(/'/g, "'\\''")}'`;
        writeErr(`leastrole: wrote ${result.out}; next: leastrole audit ${folder}\n`);
        // What could not be read without the collection being incomplete (a trail's event selectors).
        for (const n of m.notes) writeErr(`leastrole: note: ${n.replace(/[\r\n]+/g, " ")}\n`);
      }
      if (m.partial) {
        // The reasons quote AWS's error messages.
        for (const r of summarisedReasons(m)) writeErr(`leastrole: incomplete: ${r.replace(/[\r\n]+/g, " ")}\n`);
        process.stderr.write("leastrole: the collection is partial: audit will say so; rerun with --resume to retry the failed calls\n");
        process.exitCode = 1;
      }
    });
}
