/**
 * The same workload through @cloud-copilot/iam-simulate (AGPL, devDependency, benchmark-only).
 *
 *   npx tsx bench/iam/iam-simulate-comparison.ts [roles=10000] [simulatedRoles=200]
 *
 * iam-simulate answers one (principal, action, resource) request at a time and has no
 * effective-permissions API, so the comparable work is a fixed set of probes per role: 20 requests
 * (the Lambda-relevant and privilege-escalation actions on concrete resources). Both engines run the
 * probes on the first `simulatedRoles` roles (and we check they agree); leastrole also runs them on
 * all roles, and computes full RoleFacts for all roles. iam-simulate's time for all roles is
 * extrapolated from its measured per-request time, and so is the cost of full effective permissions
 * through it (one request per catalog action per role).
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { evaluateRequest, loadActionCatalog } from "../../src/iam/index.js";
import { buildWorkload } from "./workload.js";

const count = Number(process.argv[2] ?? 10_000);
const simulated = Number(process.argv[3] ?? 200);
const A = "111122223333";
const PROBES: { action: string; resource: string }[] = [
  { action: "dynamodb:GetItem", resource: `arn:aws:dynamodb:us-east-1:${A}:table/orders-1` },
  { action: "dynamodb:PutItem", resource: `arn:aws:dynamodb:eu-west-1:${A}:table/users-2` },
  { action: "dynamodb:DeleteTable", resource: `arn:aws:dynamodb:us-east-1:${A}:table/orders-1` },
  { action: "s3:GetObject", resource: "arn:aws:s3:::media-1/a.jpg" },
  { action: "s3:PutObject", resource: "arn:aws:s3:::reports-5/r.csv" },
  { action: "s3:DeleteObject", resource: "arn:aws:s3:::uploads-3/x" },
  { action: "sqs:SendMessage", resource: `arn:aws:sqs:us-east-1:${A}:queue-4` },
  { action: "sns:Publish", resource: `arn:aws:sns:us-east-1:${A}:topic` },
  { action: "logs:PutLogEvents", resource: `arn:aws:logs:us-east-1:${A}:log-group:/aws/lambda/fn:log-stream:s` },
  { action: "xray:PutTraceSegments", resource: "*" },
  { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:us-east-1:${A}:secret:db-AbCdEf` },
  { action: "ssm:GetParameter", resource: `arn:aws:ssm:us-east-1:${A}:parameter/app/db` },
  { action: "iam:PassRole", resource: `arn:aws:iam::${A}:role/app-worker` },
  { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${A}:role/fn-role-1` },
  { action: "iam:CreatePolicyVersion", resource: `arn:aws:iam::${A}:policy/team-1` },
  { action: "lambda:UpdateFunctionCode", resource: `arn:aws:lambda:us-east-1:${A}:function:fn` },
  { action: "lambda:InvokeFunction", resource: `arn:aws:lambda:us-east-1:${A}:function:fn` },
  { action: "ec2:RunInstances", resource: `arn:aws:ec2:us-east-1:${A}:instance/*` },
  { action: "sts:AssumeRole", resource: `arn:aws:iam::${A}:role/admin` },
  { action: "organizations:LeaveOrganization", resource: "*" },
];
const CONTEXT = { "aws:RequestedRegion": "us-east-1", "iam:PassedToService": "lambda.amazonaws.com", "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" };

const catalog = await loadActionCatalog();
const roles = buildWorkload(count);
const principal = (i: number) => `arn:aws:iam::${A}:role/fn-role-${i}`;

// leastrole: probes on all roles
let t = performance.now();
let c0 = process.cpuUsage();
let oursAllowed = 0;
for (const [i, role] of roles.entries()) {
  const identityPolicies = [
    ...role.principal.inlinePolicies.map((p) => ({ id: `inline:${p.name}`, document: p.document })),
    ...role.principal.managedPolicies.flatMap((p) => (p.document ? [{ id: p.arn, document: p.document }] : [])),
  ];
  const b = role.principal.permissionsBoundary;
  for (const probe of PROBES) {
    const r = evaluateRequest({ identityPolicies, permissionsBoundary: b?.document ?? null, request: { ...probe, principalArn: principal(i), context: CONTEXT, contextComplete: true } });
    if (r.decision === "allowed") oursAllowed++;
  }
}
const oursAllMs = performance.now() - t;
let c1 = process.cpuUsage(c0);
const oursCpuMs = (c1.user + c1.system) / 1000;
const oursPerRequestUs = (oursAllMs * 1000) / (roles.length * PROBES.length);
console.log(`leastrole evaluateRequest: ${roles.length} roles × ${PROBES.length} probes in ${oursAllMs.toFixed(0)} ms (${oursPerRequestUs.toFixed(1)} µs/request; CPU ${oursCpuMs.toFixed(0)} ms; ${oursAllowed} allowed)`);

// iam-simulate: probes on the first `simulated` roles, compared with ours
t = performance.now();
c0 = process.cpuUsage();
let agree = 0;
let disagree = 0;
let errors = 0;
const SIM: { [k: string]: string } = { Allowed: "allowed", ExplicitlyDenied: "explicit-deny", ImplicitlyDenied: "implicit-deny" };
for (let i = 0; i < Math.min(simulated, roles.length); i++) {
  const role = roles[i]!;
  for (const probe of PROBES) {
    const result = await runSimulation(
      {
        request: { principal: principal(i), action: probe.action, resource: { resource: probe.resource, accountId: A }, contextVariables: CONTEXT },
        identityPolicies: role.raw.identity.map((p) => ({ name: p.name, policy: p.policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(role.raw.boundary ? { permissionBoundaryPolicies: [{ name: "boundary", policy: role.raw.boundary }] } : {}),
      },
      {},
    );
    if (result.resultType === "error") {
      errors++;
      continue;
    }
    const identityPolicies = [
      ...role.principal.inlinePolicies.map((p) => ({ id: `inline:${p.name}`, document: p.document })),
      ...role.principal.managedPolicies.flatMap((p) => (p.document ? [{ id: p.arn, document: p.document }] : [])),
    ];
    const ignored = result.resultType === "single" ? (result.result.ignoredContextKeys ?? []) : [];
    const ctx = Object.fromEntries(Object.entries(CONTEXT).filter(([k]) => !ignored.includes(k)));
    const mine = evaluateRequest({ identityPolicies, permissionsBoundary: role.principal.permissionsBoundary?.document ?? null, request: { ...probe, principalArn: principal(i), context: ctx, contextComplete: true } }).decision;
    if (SIM[result.overallResult] === mine) agree++;
    else disagree++;
  }
}
const simMs = performance.now() - t;
c1 = process.cpuUsage(c0);
const simCpuMs = (c1.user + c1.system) / 1000;
const simRequests = Math.min(simulated, roles.length) * PROBES.length;
const simPerRequestUs = (simMs * 1000) / simRequests;
console.log(`iam-simulate runSimulation: ${simRequests} requests in ${simMs.toFixed(0)} ms (${simPerRequestUs.toFixed(0)} µs/request; CPU ${simCpuMs.toFixed(0)} ms, includes our check); agreement with leastrole ${agree}/${agree + disagree}, ${errors} errors`);
console.log(`  extrapolated: ${roles.length} roles × ${PROBES.length} probes = ${((simPerRequestUs * roles.length * PROBES.length) / 1e6).toFixed(1)} s`);
console.log(`  extrapolated full effective permissions (${catalog.size} actions per role): ${((simPerRequestUs * roles.length * catalog.size) / 1e6 / 3600).toFixed(1)} h for ${roles.length} roles`);
const { loadavg } = await import("node:os");
console.log(`load average: ${loadavg().map((x) => x.toFixed(1)).join(", ")}`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
