/**
 * A variant of a generated scale account (bench/scale/generate.ts) that exercises what the base
 * account does not: permissions boundaries (and so the allowed-set computation of LR004/LR021),
 * broad AWS managed policies (LR021) and `aws:CurrentTime` windows. Every 10th role gets a
 * permissions boundary (a customer managed policy allowing the services the generator uses), every
 * 20th `AWSLambdaRole` and every 40th `AmazonVPCFullAccess`, every 25th an inline statement limited
 * to a window that closed in 2017 and every 50th one whose start date has passed. The Lambda
 * exports are copied; the CloudTrail folder is linked, not copied.
 *
 *   npx tsx bench/scale/variant.ts <input> <outDir>
 *   e.g. npx tsx bench/scale/variant.ts bench/out/scale/f10000-r1000000-s11/input bench/out/scale/f10000-r1000000-s11-variant
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

interface RoleDetail {
  Arn: string;
  AttachedManagedPolicies: { PolicyName: string; PolicyArn: string }[];
  RolePolicyList: { PolicyName: string; PolicyDocument: unknown }[];
  PermissionsBoundary?: { PermissionsBoundaryType: string; PermissionsBoundaryArn: string };
}

const [input, outDir] = process.argv.slice(2);
if (!input || !outDir) {
  console.error("usage: npx tsx bench/scale/variant.ts <input> <outDir>");
  process.exit(2);
}
const details = JSON.parse(readFileSync(join(input, "account", "iam", "account-authorization-details.json"), "utf8")) as { RoleDetailList: RoleDetail[]; Policies: unknown[] };
const account = /^arn:aws:iam::(\d{12}):/.exec(details.RoleDetailList[0]?.Arn ?? "")?.[1] ?? "123456789012";
const boundaryArn = `arn:aws:iam::${account}:policy/workload-boundary`;
const services = ["dynamodb", "s3", "sqs", "sns", "logs", "xray", "kms", "secretsmanager", "ssm", "events", "lambda", "states", "ec2"];
details.Policies.push({
  PolicyName: "workload-boundary",
  PolicyId: "ANPAWORKLOADBOUNDARY",
  Arn: boundaryArn,
  Path: "/",
  DefaultVersionId: "v1",
  AttachmentCount: 0,
  PermissionsBoundaryUsageCount: 0,
  IsAttachable: true,
  CreateDate: "2024-01-01T00:00:00Z",
  UpdateDate: "2024-01-01T00:00:00Z",
  PolicyVersionList: [
    {
      VersionId: "v1",
      IsDefaultVersion: true,
      CreateDate: "2024-01-01T00:00:00Z",
      Document: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: services.map((s) => `${s}:*`), Resource: "*" },
          { Effect: "Deny", Action: ["ec2:CreateVpc", "ec2:DeleteVpc", "ec2:CreateRoute", "ec2:DeleteRoute"], Resource: "*" },
        ],
      },
    },
  ],
});
const counts = { boundaries: 0, awsLambdaRole: 0, vpcFullAccess: 0, closedWindows: 0, startedWindows: 0 };
details.RoleDetailList.forEach((role, i) => {
  if (i % 10 === 0) {
    role.PermissionsBoundary = { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: boundaryArn };
    counts.boundaries++;
  }
  if (i % 20 === 1) {
    role.AttachedManagedPolicies.push({ PolicyName: "AWSLambdaRole", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaRole" });
    counts.awsLambdaRole++;
  }
  if (i % 40 === 2) {
    role.AttachedManagedPolicies.push({ PolicyName: "AmazonVPCFullAccess", PolicyArn: "arn:aws:iam::aws:policy/AmazonVPCFullAccess" });
    counts.vpcFullAccess++;
  }
  const window = (name: string, Condition: object) =>
    role.RolePolicyList.push({ PolicyName: name, PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction"], Resource: "*", Condition }] } });
  if (i % 25 === 3) {
    window("break-glass-2017", { DateGreaterThan: { "aws:CurrentTime": "2017-07-01T00:00:00Z" }, DateLessThan: { "aws:CurrentTime": "2017-12-31T23:59:59Z" } });
    counts.closedWindows++;
  }
  if (i % 50 === 4) {
    window("deploy-since-2020", { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } });
    counts.startedWindows++;
  }
});
rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, "account", "iam"), { recursive: true });
writeFileSync(join(outDir, "account", "iam", "account-authorization-details.json"), JSON.stringify(details));
cpSync(join(input, "account", "lambda"), join(outDir, "account", "lambda"), { recursive: true });
if (existsSync(join(input, "cloudtrail"))) symlinkSync(resolve(input, "cloudtrail"), join(outDir, "cloudtrail"), "dir");
console.log(`${outDir}: ${details.RoleDetailList.length} roles, ${JSON.stringify(counts)}`);
