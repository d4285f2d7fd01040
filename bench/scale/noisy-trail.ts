/**
 * CloudTrail activity of an account's other identities, to read beside a generated scale trail
 * (bench/scale/generate.ts). The generated trail is made of the functions' own calls (and Lambda's
 * on their behalf, and one IAM user's noise); a real account's trail is mostly other identities:
 * ECS tasks and EC2 instances whose session names are task and instance IDs (a new session name
 * per task or instance), people signed in through IAM Identity Center, IAM users, CI roles. The
 * audit has to read them all (it cannot know a session is no function's before it reads it), and
 * must neither attribute them to a function nor keep them at a cost that grows with their number.
 *
 * Writes `--records M` records (default 500,000) in S3 delivery's layout and file names over the
 * trail's 35 days, from `--sessions S` distinct sessions (default 50,000) of the roles
 * bench/scale/principals.ts adds (`<team>-task-<n>`, `<team>-instance-<n>`, the SSO roles) and of
 * its IAM users, each calling the benchmark's CloudTrail shapes on its team's resources. The
 * users call throughout the trail; a task's, instance's or sign-in's calls fall within a few hours.
 * Deterministic from `--seed`.
 *
 *   npx tsx bench/scale/noisy-trail.ts <outDir> [--records 500000] [--sessions 50000] [--seed 7]
 *   then: leastrole audit <principals variant>/account <principals variant>/cloudtrail <outDir>
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { TEAMS } from "../normalize/generate-export.js";
import { CALLS, Lcg, roleSessionIdentity, targetOf, writeRecord } from "../usage/generate.js";
import { DAYS, TRAIL_END } from "./generate.js";

const args = process.argv.slice(2);
const outDir = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const num = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  const n = i === -1 ? def : Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, not ${args[i + 1]}`);
  return n;
};
if (!outDir) {
  console.error("usage: npx tsx bench/scale/noisy-trail.ts <outDir> [--records 500000] [--sessions 50000] [--seed 7]");
  process.exit(2);
}
const records = num("records", 500_000);
const sessions = Math.max(1, num("sessions", 50_000));
const r = new Lcg(num("seed", 7));
const ACCOUNT = "123456789012";
const REGIONS = ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"];

/** One identity of the account that is no function: its userIdentity and the ARN an AccessDenied names. */
interface Caller {
  identity: object;
  arn: string;
  team: string;
}

function callerOf(i: number): Caller {
  const team = TEAMS[i % TEAMS.length]!;
  const kind = i % 4;
  const n = (i * 37) % 3000;
  if (kind === 3) {
    const name = `${team}.user${i % 2000}`;
    const arn = `arn:aws:iam::${ACCOUNT}:user/${name}`;
    return { team, arn, identity: { type: "IAMUser", principalId: `AIDA${String(i).padStart(17, "0")}`, arn, accountId: ACCOUNT, accessKeyId: `AKIA${String(i).padStart(16, "0")}`, userName: name } };
  }
  // The roles principals.ts adds: n % 5 is 2 for tasks, 3 for instances, 0 for SSO permission sets.
  const base = n - (n % 5);
  let roleName: string;
  let path = "/";
  let sessionName: string;
  if (kind === 0) {
    roleName = `${team}-task-${base + 2}`;
    sessionName = r.hex(32); // an ECS task ID
  } else if (kind === 1) {
    roleName = `${team}-instance-${base + 3}`;
    sessionName = `i-0${r.hex(16)}`;
  } else {
    const set = ["ReadOnlyAccess", "PowerUserAccess", "AdministratorAccess"][base % 3]!;
    roleName = `AWSReservedSSO_${set}_${team}${base}`;
    path = "/aws-reserved/sso.amazonaws.com/";
    sessionName = `person${i}@example.com`;
  }
  const roleArn = `arn:aws:iam::${ACCOUNT}:role${path}${roleName}`;
  const identity = roleSessionIdentity({ acct: ACCOUNT, roleArn, roleId: `AROA${String(900000 + base).padStart(17, "0")}`, sessionName, accessKeyId: `ASIA${r.alnum(16)}`, creationDate: "2026-10-16T00:00:00Z" });
  return { team, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${sessionName}`, identity };
}

const callers = Array.from({ length: sessions }, (_, i) => callerOf(i));
// Tasks, instances and sign-ins live a while, not 35 days: at a point of the trail only the
// sessions of a window of CONCURRENT are calling, the window moving from the first session to the
// last over the trail (a session's calls fall in the files of a few hours, as in a real trail).
// IAM users (every 4th caller) call throughout.
const ephemeral = callers.filter((_, i) => i % 4 !== 3);
const users = callers.filter((_, i) => i % 4 === 3);
const CONCURRENT = Math.min(ephemeral.length, 400);
function callerAt(x: number): Caller {
  if (users.length > 0 && (ephemeral.length === 0 || r.int(4) === 0)) return users[r.int(users.length)]!;
  const from = Math.floor(x * (ephemeral.length - CONCURRENT));
  return ephemeral[from + r.int(CONCURRENT)]!;
}
rmSync(outDir, { recursive: true, force: true });
const start = TRAIL_END - DAYS * 86_400_000;
// About 500 records a file, as S3 delivery's files of a busy account (one per region every ~5 minutes).
const files = Math.max(1, Math.ceil(records / 500));
let written = 0;
let bytesGz = 0;
for (let f = 0; f < files; f++) {
  const region = REGIONS[f % REGIONS.length]!;
  const t0 = start + Math.floor((f / files) * DAYS * 86_400_000);
  const count = Math.min(500, records - written);
  const list: object[] = [];
  for (let k = 0; k < count; k++) {
    const caller = callerAt(f / files);
    const call = r.pick(CALLS);
    const target = targetOf(ACCOUNT, region, `${caller.team}-svc-${r.int(40)}`);
    const t = t0 + r.int(300_000);
    list.push(writeRecord(r, { t, acct: ACCOUNT, region, call, params: call.params(r, target), userIdentity: caller.identity, callerArn: caller.arn, denied: r.int(50) === 0 }));
  }
  written += count;
  const d = new Date(t0);
  const ymd = [String(d.getUTCFullYear()), String(d.getUTCMonth() + 1).padStart(2, "0"), String(d.getUTCDate()).padStart(2, "0")];
  const stamp = d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").slice(0, 13) + "Z";
  const dir = join(outDir, "AWSLogs", ACCOUNT, "CloudTrail", region, ...ymd);
  mkdirSync(dir, { recursive: true });
  const gz = gzipSync(JSON.stringify({ Records: list }));
  bytesGz += gz.length;
  writeFileSync(join(dir, `${ACCOUNT}_CloudTrail_${region}_${stamp}_N${String(f).padStart(15, "0")}.json.gz`), gz);
}
console.log(`${outDir}: ${written} records from ${sessions} sessions in ${files} files, ${(bytesGz / 2 ** 20).toFixed(1)} MiB gz`);
