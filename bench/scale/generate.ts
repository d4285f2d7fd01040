/**
 * A synthetic account for the end-to-end benchmark (issue #11): one folder that `leastrole audit`
 * reads as it is.
 *
 *   <out>/account/   get-account-authorization-details as the AWS CLI writes it (one file, policy
 *                    documents as objects), list-functions pages per region, event source
 *                    mappings, function URLs and their resource policies (bench/normalize/generate-export.ts)
 *   <out>/cloudtrail/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz
 *                    S3-delivered CloudTrail over 35 days whose role sessions are exactly the
 *                    generated functions (session name = function name, issuer = its role), calling
 *                    actions their policies grant, plus denied calls, Lambda's own awslambda_
 *                    sessions (queue polling, VPC network interfaces) and an IAM user's noise
 *                    (record shapes: bench/usage/generate.ts)
 *
 * Roles are 85% of the functions (the rest share one), 8% of the functions are idle, and each
 * active function uses about 60% of the calls it is granted, so there are unused permissions to
 * find. Deterministic: the same arguments give the same bytes.
 *
 * With --access-advisor, also an Access Advisor report per role (account/iam/access-advisor/), as
 * `leastrole collect --access-advisor` writes them.
 *
 *   npx tsx bench/scale/generate.ts <outDir> --functions N --records M [--seed S] [--access-advisor]
 */

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { generateExport, REGIONS, type GeneratedFunction, type GeneratedRole } from "../normalize/generate-export.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { CALLS, Lcg, callOf, iamUserIdentity, roleSessionIdentity, targetOf, writeRecord, type Call, type Target } from "../usage/generate.js";

export const DAYS = 35;
/** The trail ends here: the export's RoleLastUsed dates are the same day. */
export const TRAIL_END = Date.UTC(2026, 10, 20);

export interface ScaleOptions {
  functions: number;
  records: number;
  seed?: number;
  /** Also an Access Advisor report per role, as `leastrole collect --access-advisor` writes it. */
  accessAdvisor?: boolean;
}

export interface ScaleAccount {
  dir: string;
  accountDir: string;
  trailDir: string;
  /** The single get-account-authorization-details file (what Cloudsplaining and Parliament read). */
  authDetailsFile: string;
  account: string;
  functions: number;
  roles: number;
  activeFunctions: number;
  records: number;
  trailFiles: number;
  exportBytes: number;
  trailBytesGz: number;
  trailBytesRaw: number;
  /** Access Advisor reports written (one per role with --access-advisor, else 0). */
  accessAdvisorFiles: number;
}

/** One kind of call a function (or Lambda on its behalf) makes. */
interface Usage {
  fn: number;
  call: Call;
  target: Target;
  /** Lambda's own session on the role (invokedBy lambda.amazonaws.com), not the function's. */
  service: boolean;
  denied: boolean;
}

const ARN_REGION = /^arn:[^:]+:[^:]+:([^:]*):/;

/** The calls a role's policies allow that this benchmark has CloudTrail shapes for, with their resources. */
function grantedCalls(fn: GeneratedFunction, role: GeneratedRole, account: string, secrets: Map<string, string>, index: number): Usage[] {
  const out: Usage[] = [];
  const base = targetOf(account, fn.region, fn.name);
  const add = (action: string, region: string, target: Partial<Target>, service = false) =>
    out.push({ fn: index, call: callOf(action), target: { ...base, region, ...target }, service, denied: false });
  const actionsOf = (a: string | string[]) => (Array.isArray(a) ? a : [a]);
  let star = false;
  for (const st of role.inlineStatements) {
    const actions = actionsOf(st.Action);
    const resources = actionsOf(st.Resource);
    if (actions.includes("*")) star = true;
    if (st.Sid === "Table") {
      // The table's region is in its ARN: the call is logged there, as the SDK sends it there.
      const table = resources[0]!;
      const region = ARN_REGION.exec(table)?.[1] ?? fn.region;
      const name = table.slice(table.indexOf(":table/") + 7);
      for (const a of actions) add(a, region, { table: name });
    } else if (actions.some((a) => a.startsWith("s3:"))) {
      const r = resources[0]!;
      const bucket = r === "*" ? `${role.team}-data-${index}` : r.slice("arn:aws:s3:::".length, r.indexOf("/"));
      add("s3:GetObject", fn.region, { bucket });
      add("s3:PutObject", fn.region, { bucket });
    } else if (actions.includes("sqs:*")) {
      add("sqs:SendMessage", fn.region, { queueUrl: `https://sqs.${fn.region}.amazonaws.com/${account}/${fn.name}-out` });
      add("sns:Publish", fn.region, {});
      add("kms:Decrypt", fn.region, {});
    }
  }
  for (const arn of role.managedArns) {
    const secret = secrets.get(arn);
    if (secret !== undefined) add("secretsmanager:GetSecretValue", fn.region, { secretId: `${secret}db-credentials` });
    else if (arn.endsWith("/AmazonS3ReadOnlyAccess")) add("s3:GetObject", fn.region, { bucket: `shared-assets-${account}` });
    else if (arn.endsWith("/AmazonDynamoDBFullAccess")) add("dynamodb:Query", fn.region, { table: `${role.team}-audit` });
  }
  if (star) {
    add("ssm:GetParameter", fn.region, {});
    add("lambda:GetFunction", fn.region, {});
  }
  // What Lambda does with the role for the function: poll its queue, attach its network interfaces.
  // These calls carry the awslambda_ session, and the runtime's requirements cover them.
  if (fn.queueArn !== null) {
    const queueUrl = `https://sqs.${fn.region}.amazonaws.com/${account}/${fn.name}-queue`;
    add("sqs:ReceiveMessage", fn.region, { queueUrl }, true);
    add("sqs:DeleteMessage", fn.region, { queueUrl }, true);
  }
  if (fn.vpc) {
    add("ec2:CreateNetworkInterface", fn.region, {}, true);
    add("ec2:DescribeNetworkInterfaces", fn.region, {}, true);
  }
  return out;
}

function usageOf(rand: Lcg, fns: GeneratedFunction[], roles: Map<string, GeneratedRole>, account: string, secrets: Map<string, string>): { usages: Usage[]; active: number } {
  const usages: Usage[] = [];
  let active = 0;
  fns.forEach((fn, i) => {
    const role = roles.get(fn.roleArn)!;
    const granted = grantedCalls(fn, role, account, secrets, i);
    if (rand.next() < 0.08) return; // idle: deployed, never called in the window
    active++;
    const used = granted.filter((u) => u.service || rand.next() < 0.6);
    const own = granted.filter((u) => !u.service);
    if (!used.some((u) => !u.service) && own.length > 0) used.push(own[rand.int(own.length)]!);
    usages.push(...used);
    // A call its policies do not allow: the SDK call fails with AccessDenied, and is logged.
    if (rand.next() < 0.3) {
      const grantedNames = new Set(granted.map((u) => `${u.call.source}:${u.call.name}`));
      const missing = ["ssm:GetParameter", "secretsmanager:GetSecretValue", "sns:Publish"].find((a) => !grantedNames.has(a));
      if (missing) usages.push({ fn: i, call: callOf(missing), target: targetOf(account, fn.region, fn.name), service: false, denied: true });
    }
  });
  return { usages, active };
}

/** The services an AWS managed policy of the export grants (what Access Advisor lists for it). */
const MANAGED_SERVICES: { [name: string]: string[] } = {
  AWSLambdaBasicExecutionRole: ["logs"],
  AWSLambdaVPCAccessExecutionRole: ["ec2", "logs"],
  AWSLambdaSQSQueueExecutionRole: ["logs", "sqs"],
  AWSXrayWriteOnlyAccess: ["xray"],
  AmazonS3ReadOnlyAccess: ["s3", "s3-object-lambda"],
  AmazonDynamoDBFullAccess: ["application-autoscaling", "cloudwatch", "datapipeline", "dax", "dynamodb", "ec2", "iam", "kms", "lambda", "resource-groups", "sns", "tag"],
};

/**
 * An Access Advisor report per role in the shape `leastrole collect` writes (account/iam/access-advisor/
 * <role>.json, the job's output with the role's Arn): every service the role's policies grant (all
 * of the catalog's for `Action: "*"`), authenticated a day before the trail ends when one of its
 * functions called it, never otherwise; S3 with action-level entries, as AWS tracks S3 actions.
 */
function writeAccessAdvisor(accountDir: string, roles: readonly GeneratedRole[], functions: readonly GeneratedFunction[], usages: readonly Usage[], allServices: readonly string[]): number {
  const usedByRole = new Map<string, Map<string, Set<string>>>();
  for (const u of usages) {
    if (u.denied) continue;
    const roleArn = functions[u.fn]!.roleArn;
    const byService = usedByRole.get(roleArn) ?? new Map<string, Set<string>>();
    usedByRole.set(roleArn, byService);
    const actions = byService.get(u.call.source) ?? new Set<string>();
    byService.set(u.call.source, actions.add(u.call.name));
  }
  const dir = join(accountDir, "iam", "access-advisor");
  mkdirSync(dir, { recursive: true });
  const at = new Date(TRAIL_END - 86_400_000).toISOString();
  const done = new Date(TRAIL_END).toISOString();
  for (const role of roles) {
    const services = new Set<string>();
    for (const st of role.inlineStatements) {
      for (const a of Array.isArray(st.Action) ? st.Action : st.Action === undefined ? [] : [st.Action]) {
        if (a === "*") allServices.forEach((x) => services.add(x));
        else services.add(a.slice(0, a.indexOf(":")));
      }
    }
    for (const arn of role.managedArns) for (const x of MANAGED_SERVICES[arn.slice(arn.lastIndexOf("/") + 1)] ?? []) services.add(x);
    const used = usedByRole.get(role.arn);
    const entries = [...services].sort().map((namespace) => {
      const calls = used?.get(namespace);
      const entry: Record<string, unknown> = { ServiceName: namespace, ServiceNamespace: namespace };
      if (calls !== undefined) Object.assign(entry, { LastAuthenticated: at, LastAuthenticatedEntity: role.arn, LastAuthenticatedRegion: "us-east-1", TotalAuthenticatedEntities: 1 });
      else entry.TotalAuthenticatedEntities = 0;
      if (namespace === "s3") entry.TrackedActionsLastAccessed = [...(calls ?? [])].sort().map((name) => ({ ActionName: name, LastAccessedEntity: role.arn, LastAccessedTime: at, LastAccessedRegion: "us-east-1" }));
      return entry;
    });
    writeFileSync(join(dir, `${role.name}.json`), JSON.stringify({ Arn: role.arn, Granularity: "ACTION_LEVEL", JobId: `job-${role.id}`, JobStatus: "COMPLETED", JobType: "ACTION_LEVEL", JobCreationDate: done, JobCompletionDate: done, ServicesLastAccessed: entries }, null, 1));
  }
  return roles.length;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const stamp = (t: number) => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}${pad(d.getUTCMilliseconds(), 3)}`;
};

export function generateAccount(outDir: string, options: ScaleOptions): ScaleAccount {
  const seed = options.seed ?? 11;
  if (!Number.isInteger(options.functions) || options.functions < 1) throw new Error(`--functions must be a positive whole number (got ${options.functions})`);
  if (!Number.isInteger(options.records) || options.records < 0) throw new Error(`--records must be a whole number (got ${options.records})`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const accountDir = join(outDir, "account");
  const trailDir = join(outDir, "cloudtrail");
  const roleCount = Math.max(1, Math.round(options.functions * 0.85));
  const exp = generateExport(accountDir, options.functions, roleCount, seed, { pageSize: Infinity, decodedPolicies: true });
  const acct = exp.account;
  const roles = new Map(exp.roles.map((r) => [r.arn, r]));
  const rand = new Lcg(seed * 2654435761);
  const { usages, active } = usageOf(rand, exp.functions, roles, acct, exp.customerSecrets);
  const accessAdvisorFiles = options.accessAdvisor === true ? writeAccessAdvisor(accountDir, exp.roles, exp.functions, usages, [...loadActionCatalogSync().services.keys()]) : 0;

  // Calls are logged in the region they were sent to: group what can happen per region.
  const byRegion = new Map<string, { ok: Usage[]; denied: Usage[] }>(REGIONS.map((g) => [g, { ok: [], denied: [] }]));
  for (const u of usages) (u.denied ? byRegion.get(u.target.region)!.denied : byRegion.get(u.target.region)!.ok).push(u);
  const regions = REGIONS.filter((g) => byRegion.get(g)!.ok.length > 0);
  const weight = regions.map((g) => byRegion.get(g)!.ok.length);
  const totalWeight = weight.reduce((a, b) => a + b, 0);
  // A file holds about 500 records (a busy account's delivery every few minutes), at least one per
  // region and day, at most one per 5 minutes.
  const perRegion = regions.map((_, i) => Math.round((options.records * weight[i]!) / Math.max(1, totalWeight)));
  const drift = options.records - perRegion.reduce((a, b) => a + b, 0);
  if (perRegion.length > 0) perRegion[0]! += drift;

  const start = TRAIL_END - DAYS * 86_400_000;
  const roleIdOf = (fn: GeneratedFunction) => roles.get(fn.roleArn)!.id;
  let trailFiles = 0;
  let bytesGz = 0;
  let bytesRaw = 0;
  regions.forEach((region, ri) => {
    const pool = byRegion.get(region)!;
    const n = perRegion[ri]!;
    const slots = Math.min(288, Math.max(1, Math.ceil(n / (DAYS * 500))));
    const files = DAYS * slots;
    const slotMs = 86_400_000 / slots;
    for (let f = 0; f < files; f++) {
      const count = Math.floor(n / files) + (f < n % files ? 1 : 0);
      if (count === 0) continue;
      const from = start + f * slotMs;
      const times = Array.from({ length: count }, () => from + rand.int(slotMs)).sort((a, b) => a - b);
      const records: object[] = [];
      for (const t of times) {
        const kind = rand.next();
        if (kind < 0.08) {
          // An IAM user working in the console's SDK: not a function, not to be attributed.
          const call = rand.pick(CALLS);
          const fn = exp.functions[rand.int(exp.functions.length)]!;
          const params = call.params(rand, targetOf(acct, region, fn.name));
          records.push(writeRecord(rand, { t, acct, region, call, params, userIdentity: iamUserIdentity(acct), callerArn: `arn:aws:iam::${acct}:user/benjamin`, denied: false }));
          continue;
        }
        const list = kind < 0.1 && pool.denied.length > 0 ? pool.denied : pool.ok;
        const u = list[rand.int(list.length)]!;
        const fn = exp.functions[u.fn]!;
        // A sandbox keeps its credentials for hours: one access key per function and hour.
        const hour = Math.floor(t / 3_600_000);
        const cred = new Lcg((u.fn * 7919 + hour * 104729 + seed) >>> 0);
        const accessKeyId = `ASIA${cred.alnum(16)}`;
        const sessionName = u.service ? `awslambda_${u.fn % 1000}_${stamp(hour * 3_600_000)}` : fn.name;
        const userIdentity = roleSessionIdentity({
          acct,
          roleArn: fn.roleArn,
          roleId: roleIdOf(fn),
          sessionName,
          accessKeyId,
          creationDate: new Date(hour * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z"),
          ...(u.service ? { invokedBy: "lambda.amazonaws.com" } : {}),
        });
        const params = u.call.params(rand, u.target);
        const roleName = fn.roleArn.slice(fn.roleArn.lastIndexOf("/") + 1);
        records.push(writeRecord(rand, { t, acct, region, call: u.call, params, userIdentity, callerArn: `arn:aws:sts::${acct}:assumed-role/${roleName}/${sessionName}`, denied: u.denied }));
      }
      // ~0.5% duplicate deliveries, like CloudTrail's at-least-once delivery.
      for (let i = 0; i < count / 200; i++) records[rand.int(count)] = records[rand.int(count)]!;
      const ymd = new Date(from).toISOString().slice(0, 10);
      const dir = join(trailDir, "AWSLogs", acct, "CloudTrail", region, ...ymd.split("-"));
      mkdirSync(dir, { recursive: true });
      const json = Buffer.from(JSON.stringify({ Records: records }));
      const gz = gzipSync(json, { level: 6 });
      const hhmm = new Date(from + slotMs).toISOString().slice(11, 16).replace(":", "");
      const deliveredDay = new Date(from + slotMs).toISOString().slice(0, 10).replace(/-/g, "");
      writeFileSync(join(dir, `${acct}_CloudTrail_${region}_${deliveredDay}T${hhmm}Z_${rand.alnum(16)}.json.gz`), gz);
      trailFiles++;
      bytesGz += gz.length;
      bytesRaw += json.length;
    }
  });

  const result: ScaleAccount = {
    dir: outDir,
    accountDir,
    trailDir,
    authDetailsFile: join(accountDir, "iam", "account-authorization-details.json"),
    account: acct,
    functions: options.functions,
    roles: roleCount,
    activeFunctions: active,
    records: options.records,
    trailFiles,
    exportBytes: exp.bytes,
    trailBytesGz: bytesGz,
    trailBytesRaw: bytesRaw,
    accessAdvisorFiles,
  };
  return result;
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outDir = args[0];
  const functions = Number(argValue(args, "functions"));
  const records = Number(argValue(args, "records"));
  const seed = Number(argValue(args, "seed") ?? 11);
  const accessAdvisor = args.includes("--access-advisor");
  if (outDir === undefined || outDir.startsWith("--") || !Number.isFinite(functions) || !Number.isFinite(records)) {
    console.error("usage: npx tsx bench/scale/generate.ts <outDir> --functions N --records M [--seed S] [--access-advisor]");
    process.exit(2);
  }
  const t = performance.now();
  try {
    const res = generateAccount(outDir, { functions, records, seed, accessAdvisor });
    console.log(JSON.stringify({ ...res, seconds: Number(((performance.now() - t) / 1000).toFixed(1)) }));
  } catch (e) {
    console.error(`bench/scale/generate.ts: ${(e as Error).message}`);
    process.exit(2);
  }
}
