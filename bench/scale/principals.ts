/**
 * A variant of a generated scale account (bench/scale/generate.ts) with the identities a real
 * account has beside its functions' roles. The base account holds execution roles only: no IAM
 * users, no groups, no role that is not Lambda's. Real accounts of that size have hundreds of
 * users and thousands of other roles (SSO permission sets, CI deployers, ECS tasks, EC2 instances),
 * and several rules look at every one of them for every function: who can read a function's
 * environment (LR013), who can change its code or its role (LR014 with users, LR020), who can
 * assume an execution role (LR001 and the chains of LR014). This variant measures the audit's
 * cost along that axis.
 *
 * Added (all deterministic, in the account's own ID):
 * - `--users N` IAM users (default 2,000) in `--groups G` groups (default 40): each group gets
 *   one of ReadOnlyAccess, PowerUserAccess, AWSLambda_ReadOnlyAccess, AWSLambda_FullAccess,
 *   IAMReadOnlyAccess or a customer managed "team deployer" policy (lambda:UpdateFunctionCode,
 *   UpdateFunctionConfiguration and iam:PassRole on one team's functions and roles); each user is
 *   in one or two groups, every 10th has an inline policy of its own, every 100th
 *   AdministratorAccess;
 * - `--roles R` roles that are not Lambda's (default 3,000): SSO permission-set roles trusting
 *   the account's SAML provider (ReadOnlyAccess, PowerUserAccess, AdministratorAccess), CI roles
 *   trusting GitHub's OIDC provider for one repository (the team deployer policy), ECS task roles
 *   and EC2 instance roles (a team's tables and buckets, some `lambda:InvokeFunction`), and roles
 *   another account may assume (ReadOnlyAccess).
 * The Lambda exports are copied; the CloudTrail folder is linked, not copied.
 *
 *   npx tsx bench/scale/principals.ts <input> <outDir> [--users 2000] [--groups 40] [--roles 3000]
 *   e.g. npx tsx bench/scale/principals.ts bench/out/scale/f10000-r1000000-s11/input bench/out/scale/f10000-r1000000-s11-principals
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TEAMS } from "../normalize/generate-export.js";

const args = process.argv.slice(2);
const [input, outDir] = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const num = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  const n = i === -1 ? def : Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, not ${args[i + 1]}`);
  return n;
};
if (!input || !outDir) {
  console.error("usage: npx tsx bench/scale/principals.ts <input> <outDir> [--users 2000] [--groups 40] [--roles 3000]");
  process.exit(2);
}
const users = num("users", 2000);
const groups = Math.max(1, num("groups", 40));
const otherRoles = num("roles", 3000);

interface Details {
  UserDetailList: unknown[];
  GroupDetailList: unknown[];
  RoleDetailList: Array<{ Arn: string }>;
  Policies: unknown[];
}
const details = JSON.parse(readFileSync(join(input, "account", "iam", "account-authorization-details.json"), "utf8")) as Details;
const account = /^arn:aws:iam::(\d{12}):/.exec(details.RoleDetailList[0]?.Arn ?? "")?.[1] ?? "123456789012";
const created = "2024-01-01T00:00:00Z";
const doc = (Statement: object[]) => ({ Version: "2012-10-17", Statement });
const aws = (name: string) => ({ PolicyName: name.split("/").pop()!, PolicyArn: `arn:aws:iam::aws:policy/${name}` });
const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(17, "0")}`;

// One customer managed "team deployer" policy per team: what a CI pipeline or a team's engineers get.
const deployerArn = (team: string) => `arn:aws:iam::${account}:policy/${team}-deployer`;
for (const team of TEAMS) {
  details.Policies.push({
    PolicyName: `${team}-deployer`,
    PolicyId: id("ANPA", details.Policies.length),
    Arn: deployerArn(team),
    Path: "/",
    DefaultVersionId: "v1",
    AttachmentCount: 1,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: created,
    UpdateDate: created,
    PolicyVersionList: [
      {
        VersionId: "v1",
        IsDefaultVersion: true,
        CreateDate: created,
        Document: doc([
          {
            Sid: "Deploy",
            Effect: "Allow",
            Action: ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:GetFunction", "lambda:PublishVersion", "lambda:UpdateAlias"],
            Resource: `arn:aws:lambda:*:${account}:function:${team}-*`,
          },
          { Sid: "PassTeamRoles", Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${account}:role/*${team}-*`, Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } },
          { Sid: "Artifacts", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: `arn:aws:s3:::${team}-artifacts-${account}/*` },
        ]),
      },
    ],
  });
}

const GROUP_POLICIES: Array<(team: string) => { PolicyName: string; PolicyArn: string }> = [
  () => aws("ReadOnlyAccess"),
  () => aws("PowerUserAccess"),
  () => aws("AWSLambda_ReadOnlyAccess"),
  () => aws("AWSLambda_FullAccess"),
  () => aws("IAMReadOnlyAccess"),
  (team) => ({ PolicyName: `${team}-deployer`, PolicyArn: deployerArn(team) }),
];
const groupNames: string[] = [];
for (let g = 0; g < groups; g++) {
  const team = TEAMS[g % TEAMS.length]!;
  const name = `${team}-${["readers", "power", "lambda-readers", "lambda-admins", "iam-readers", "deployers"][g % GROUP_POLICIES.length]}-${g}`;
  groupNames.push(name);
  details.GroupDetailList.push({
    Path: "/",
    GroupName: name,
    GroupId: id("AGPA", g),
    Arn: `arn:aws:iam::${account}:group/${name}`,
    CreateDate: created,
    GroupPolicyList: [],
    AttachedManagedPolicies: [GROUP_POLICIES[g % GROUP_POLICIES.length]!(team)],
  });
}

for (let u = 0; u < users; u++) {
  const team = TEAMS[u % TEAMS.length]!;
  const name = `${team}.user${u}`;
  const inGroups = [groupNames[u % groups]!, ...(u % 3 === 0 ? [groupNames[(u * 7 + 1) % groups]!] : [])];
  const inline =
    u % 10 === 0
      ? [
          {
            PolicyName: `${name}-debug`,
            PolicyDocument: doc([
              { Effect: "Allow", Action: ["lambda:GetFunctionConfiguration", "lambda:InvokeFunction", "logs:FilterLogEvents", "logs:GetLogEvents"], Resource: "*" },
            ]),
          },
        ]
      : [];
  details.UserDetailList.push({
    Path: "/",
    UserName: name,
    UserId: id("AIDA", u),
    Arn: `arn:aws:iam::${account}:user/${name}`,
    CreateDate: created,
    UserPolicyList: inline,
    GroupList: [...new Set(inGroups)],
    AttachedManagedPolicies: u % 100 === 0 ? [aws("AdministratorAccess")] : [],
    Tags: [{ Key: "team", Value: team }],
  });
}

const trust = (Statement: object[]) => doc(Statement);
for (let r = 0; r < otherRoles; r++) {
  const team = TEAMS[r % TEAMS.length]!;
  const kind = r % 5;
  let name: string;
  let path = "/";
  let assume: object;
  let attached: Array<{ PolicyName: string; PolicyArn: string }> = [];
  let inline: Array<{ PolicyName: string; PolicyDocument: object }> = [];
  if (kind === 0) {
    const set = ["ReadOnlyAccess", "PowerUserAccess", "AdministratorAccess"][r % 3]!;
    name = `AWSReservedSSO_${set}_${team}${r}`;
    path = "/aws-reserved/sso.amazonaws.com/";
    assume = trust([
      {
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${account}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE` },
        Action: ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
      },
    ]);
    attached = [aws(set)];
  } else if (kind === 1) {
    name = `${team}-ci-deploy-${r}`;
    assume = trust([
      {
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
          StringLike: { "token.actions.githubusercontent.com:sub": `repo:example-org/${team}-service-${r}:*` },
        },
      },
    ]);
    attached = [{ PolicyName: `${team}-deployer`, PolicyArn: deployerArn(team) }];
  } else if (kind === 2 || kind === 3) {
    const service = kind === 2 ? "ecs-tasks.amazonaws.com" : "ec2.amazonaws.com";
    name = `${team}-${kind === 2 ? "task" : "instance"}-${r}`;
    assume = trust([{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }]);
    inline = [
      {
        PolicyName: `${name}-app`,
        PolicyDocument: doc([
          { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], Resource: `arn:aws:dynamodb:*:${account}:table/${team}-*` },
          { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::${team}-bucket-*/*` },
          ...(r % 4 === 0 ? [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: `arn:aws:lambda:*:${account}:function:${team}-*` }] : []),
        ]),
      },
    ];
    if (kind === 3) attached = [aws("AmazonSSMManagedInstanceCore")];
  } else {
    name = `${team}-audit-${r}`;
    assume = trust([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${String(210987654321 + (r % 7)).padStart(12, "0")}:root` }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": `ext-${r}` } } }]);
    attached = [aws("ReadOnlyAccess")];
  }
  details.RoleDetailList.push({
    Path: path,
    RoleName: name,
    RoleId: id("AROA", 900000 + r),
    Arn: `arn:aws:iam::${account}:role${path}${name}`,
    CreateDate: created,
    AssumeRolePolicyDocument: assume,
    InstanceProfileList: [],
    RolePolicyList: inline,
    AttachedManagedPolicies: attached,
    Tags: [{ Key: "team", Value: team }],
  } as unknown as { Arn: string });
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, "account", "iam"), { recursive: true });
writeFileSync(join(outDir, "account", "iam", "account-authorization-details.json"), JSON.stringify(details));
cpSync(join(input, "account", "lambda"), join(outDir, "account", "lambda"), { recursive: true });
if (existsSync(join(input, "cloudtrail"))) symlinkSync(resolve(input, "cloudtrail"), join(outDir, "cloudtrail"), "dir");
console.log(`${outDir}: ${details.UserDetailList.length} users, ${details.GroupDetailList.length} groups, ${details.RoleDetailList.length} roles, ${details.Policies.length} customer managed policies`);
