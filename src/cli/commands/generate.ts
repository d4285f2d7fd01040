import { Option, type Command } from "commander";
import { writeGenerate, type GenerateFormat, type GenerateRunOptions, type WrittenTarget } from "../../generate/index.js";
import { documentFor, loadConfigFor, makeProgress, notCreatedReason, printInputWarnings, reportUnreadNamedInputs, reportReaderDefects, type InputFlags } from "../context.js";
import { addIacOptions, iacOptionsOf, type IacFlags } from "../iac-flags.js";
import { writeOutputStreamed } from "../io.js";
import { InputError } from "../../errors.js";
import { namesListed, shortName } from "../warning-groups.js";
import type { CanonicalDocument, SourceLocation } from "../../model/document.js";
import { hasPlaceholderAccount } from "../../deployment-account.js";

interface GenerateFlags extends InputFlags, IacFlags {
  format: GenerateFormat;
  output?: string;
  function?: string;
  split?: boolean;
  diff?: boolean;
  maxLength?: string;
  prefixThreshold?: string;
  target: "inline" | "managed";
}

export function registerGenerate(program: Command): void {
  addIacOptions(
    program
    .command("generate")
    .argument("<paths...>", "the same inputs as audit; CloudTrail (or usage query rows) for what the functions use")
    .description("write least-privilege policies from observed usage and what each function's configuration requires")
    .addOption(new Option("-f, --format <format>", "output format").choices(["json", "terraform", "cloudformation", "sam", "markdown"]).default("json"))
    .option("-o, --output <file>", "write to a file instead of stdout")
    .option("--function <name-or-arn>", "only this function")
    .option("--split", "for a role shared by several functions, one role per function (default: the union per role)")
    .option("--diff", "a Markdown right-sizing diff against today's policies (for a pull-request comment)")
    .option("--max-length <characters>", "most characters of the Markdown (--diff, --format markdown): a pull-request comment, so by default GitHub's limit, 65,536; 0 for no limit")
    // Documented in docs/generate.md and taken by runGenerate, but the CLI had no flag for it.
    .addOption(new Option("--target <target>", "where the policy lives, which decides its size limit: the role's inline policies (10,240 characters together) or customer managed policies (6,144 each)").choices(["inline", "managed"]).default("inline"))
    .option("--prefix-threshold <n>", "distinct resources sharing a prefix before they become a prefix pattern (default 3)")
    .option("-c, --config <file>", "configuration file: kept exceptions, usage window (default: .leastrole.yaml/.yml/.json in the current folder or the nearest one above it, up to the repository root)")
    // Audit's wording ("before a permission can be called unused") said nothing of what the window
    // does to a generated policy: an action last called before it is left out.
    .option("--window-days <days>", "the usage window in days: an action whose every call was before it is not granted (default: the config's usage.windowDays, else 30)")
    .option("--as-of <date>", "reference date for time arithmetic (YYYY-MM-DD, UTC, or an ISO date-time with its zone)"),
  ).action(async (paths: string[], flags: GenerateFlags, cmd: Command) => {
      const threshold = flags.prefixThreshold === undefined ? undefined : Number(flags.prefixThreshold.trim() === "" ? Number.NaN : flags.prefixThreshold);
      // A value that is not a whole number of at least 2 was ignored without a word (the sweep of session 15).
      if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 2)) throw new InputError(`--prefix-threshold must be a whole number of at least 2, not ${JSON.stringify(flags.prefixThreshold)}`);
      // The diff is Markdown whatever --format says (a pull-request comment): `--diff -f terraform`
      // printed Markdown without a word. A Terraform, CloudFormation, SAM or JSON diff has no meaning.
      if (flags.diff === true && cmd.getOptionValueSource("format") === "cli" && flags.format !== "markdown") {
        throw new InputError(`--diff writes a Markdown diff (for a pull-request comment), not ${flags.format}: leave out --format ${flags.format}, or generate the ${flags.format} output without --diff`);
      }
      const maxLength = flags.maxLength === undefined ? undefined : Number(flags.maxLength.trim() === "" ? Number.NaN : flags.maxLength);
      if (maxLength !== undefined && !(Number.isInteger(maxLength) && (maxLength === 0 || maxLength >= 1_000))) {
        throw new InputError(`--max-length must be a whole number of characters, at least 1000 (or 0 for no limit), not ${JSON.stringify(flags.maxLength)}`);
      }
      if (maxLength !== undefined && flags.diff !== true && flags.format !== "markdown") {
        throw new InputError(`--max-length is the length of the Markdown (--diff, or --format markdown), not of ${flags.format}: leave it out, or add --diff`);
      }
      const progress = makeProgress({ quiet: cmd.optsWithGlobals<{ quiet?: boolean }>().quiet === true });
      const read = loadConfigFor(flags, progress);
      const { config } = read;
      // The template's parameters, account and region as for audit: a policy made from parameter
      // defaults is the wrong policy for a stack deployed with other values.
      const document = await documentFor(paths, flags, read, progress, undefined, iacOptionsOf(flags), false);
      printInputWarnings(document, progress, paths);
      // Policies are made per function: without one, the output is empty (JSON's []) and exit 0,
      // as an audit of a plan that touches no Lambda passes. Before, nothing said why (roles
      // without functions), or "nothing to audit" (logs alone), which documentFor no longer says here.
      if (document.functions.length === 0 && flags.function === undefined) {
        const notCreated = notCreatedReason(document.meta.warnings);
        progress.note(
          notCreated !== null
            ? `leastrole: note: nothing to generate: ${notCreated}`
            : "leastrole: note: nothing to generate: no input holds a Lambda function, and policies are made per function; give the account's export (leastrole collect, or aws lambda list-functions with aws iam get-account-authorization-details) or the template or plan that defines the functions",
        );
      }
      const options: GenerateRunOptions = {
        format: flags.format,
        ...(flags.function ? { function: flags.function } : {}),
        ...(flags.split ? { split: true } : {}),
        ...(flags.diff ? { diff: true } : {}),
        ...(maxLength !== undefined ? { maxLength } : {}),
        target: flags.target,
        ...(threshold !== undefined ? { prefixThreshold: threshold } : {}),
        exceptions: config?.exceptions ?? [],
        windowDays: config?.usage?.windowDays ?? 30,
      };
      // Written as each policy is made (writeGenerate): all of them at once did not fit at 10,000 functions.
      let targets: WrittenTarget[] = [];
      writeOutputStreamed((write) => {
        targets = writeGenerate(document, options, write);
      }, flags.output);
      for (const line of warningLines(targets, whereDefined(document))) progress.note(line);
      // A file named on the command line that could not be read: an input error (output written all the same).
      if (reportUnreadNamedInputs(document, paths)) process.exitCode = 2;
      // A reader's defect left records out: a bug, exit code 3 (output written all the same).
      if (reportReaderDefects(document)) process.exitCode = 3;
    });
}

/**
 * generate's warnings as stderr lines, `leastrole: warning: <policy>: …`, as audit marks its own:
 * each distinct message once, naming the policies it concerns (sorted; the count and the first
 * five when more), in the order first met. Advice the same for several functions (a warning's
 * `advice`, the data events the trail may not log) is said once naming them, then each one's own
 * part. Why: a warning about the whole input came once per generated policy (8,500 of the 14,000
 * lines at 10,000 functions), and the demo account's five policies repeated the same long
 * data-events advice five times, with no word that it was a warning.
 */
export function warningLines(
  targets: ReadonlyArray<{ subject: string; build: { warnings: ReadonlyArray<string | { message: string; advice?: string; function?: string }> } }>,
  where: (subject: string) => string | undefined = () => undefined,
): string[] {
  // A policy by its function's or role's name, unless two share one (two regions, two templates):
  // then where it is defined (`template.yaml#ConsumerFunction`), else its ARN.
  const subjects = [...new Set(targets.map((t) => t.subject))];
  const short = subjects.map(shortName);
  const label = new Map(subjects.map((s, i) => [s, new Set(short).size === subjects.length ? (short[i] as string) : (where(s) ?? s)]));
  const groups = new Map<string, { text: string; names: string[]; what: string }>();
  const add = (key: string, text: string, name: string, what: string): void => {
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { text, names: [name], what });
    else if (!group.names.includes(name)) group.names.push(name);
  };
  for (const t of targets) {
    const name = label.get(t.subject) as string;
    for (const w of t.build.warnings) {
      const message = typeof w === "string" ? w : w.message;
      const advice = typeof w === "string" ? undefined : w.advice;
      if (advice !== undefined && message.endsWith(advice)) {
        add(`a\u0000${advice}`, advice, typeof w === "string" ? name : (w.function ?? name), "functions");
        const own = message.slice(0, message.length - advice.length).trim();
        if (own !== "") add(`m\u0000${own}`, own, name, "policies");
      } else add(`m\u0000${message}`, message, name, "policies");
    }
  }
  return [...groups.values()].map((g) => `leastrole: warning: ${namesListed(g.names, g.what)}: ${g.text}`);
}

/**
 * Where a target's function or role is defined, `file#address`, for an IaC input that does not say
 * which account it deploys to (a template's logical ID, a plan's address); undefined otherwise. Why: functions of the same name
 * in several templates (the corpus's serverless-patterns: nine ConsumerFunction) were told apart
 * by ARN, `arn:aws:lambda:unknown:unknown-0dedf4e0:function:ConsumerFunction`, whose synthetic
 * account says nothing of which template it is.
 */
function whereDefined(document: CanonicalDocument): (subject: string) => string | undefined {
  const sources = new Map<string, SourceLocation | null | undefined>();
  for (const f of document.functions) sources.set(f.arn, f.source);
  for (const r of document.roles) sources.set(r.arn, r.source);
  return (subject) => {
    // Only where the ARN says nothing of where the resource is: an account export's ARN (a region,
    // an account) is better than its file's `Functions[3]`.
    if (!hasPlaceholderAccount(subject)) return undefined;
    const s = sources.get(subject);
    return s?.file !== undefined && s.address !== undefined && s.address !== null ? `${s.file}#${s.address}` : undefined;
  };
}
