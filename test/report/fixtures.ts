/**
 * Report test data: a real audit (synthetic document + the built-in rules, so LR001 findings are
 * the evaluator's own) plus stand-in findings of rules that do not exist yet (LR9xx ids: the real
 * LR002… will come with the rule pack), covering every severity, every resource type, a source
 * location, a suppression, and attacker-controlled strings.
 */

import { auditDocument } from "../../src/audit/index.js";
import { loadBuiltinPack } from "../../src/evaluate/pack.js";
import type { RuleMetadata } from "../../src/evaluate/catalog.js";
import { compareFindings, fingerprintOf } from "../../src/evaluate/findings.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import type { Finding, Severity } from "../../src/model/findings.js";
import { summarise, type AuditReport } from "../../src/report/json.js";
import { syntheticDocument } from "../support/synthetic-document.js";

export const EVIL = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\u001b[31m@octocat #1 [x](https://evil.example) | \`\`\` &amp;`;

/** Catalog entries for the stand-in rules (same shape the built-in catalog has). */
export const STANDIN_RULES: RuleMetadata[] = [
  {
    package: "admin_access",
    id: "LR901",
    name: "full-admin-access",
    title: "Execution role has full administrative access",
    description: "The role allows every action on every resource (AdministratorAccess or an equivalent statement).",
    severity: "critical",
    category: "excessive-permissions",
    remediation: "Replace the policy with one that names only the actions the function calls.\n\nSee `leastrole generate`.",
    relatedResources: [{ ref: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege", description: "Least privilege" }],
    file: "policies/rules/admin_access.rego",
    line: 20,
  },
  {
    package: "public_url",
    id: "LR902",
    name: "public-function-url",
    title: "Function URL without authentication",
    description: "The function has a URL with AuthType NONE: anyone on the internet can invoke it.",
    severity: "high",
    category: "exposure",
    remediation: "Set AuthType to AWS_IAM or put the function behind an API with authorisation.",
    relatedResources: [{ ref: "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html" }],
    file: null,
    line: null,
  },
  {
    package: "unused_permissions",
    id: "LR903",
    name: "unused-permissions",
    title: "Granted permissions never used",
    description: "Actions the role allows that no function called during the usage window.",
    severity: "low",
    category: "least-privilege",
    remediation: "Remove the unused actions.",
    relatedResources: [],
    file: null,
    line: null,
  },
  {
    package: "no_tracing",
    id: "LR904",
    name: "tracing-off",
    title: "Tracing is off",
    description: "Informational.",
    severity: "info",
    category: "observability",
    remediation: "",
    relatedResources: [],
    file: null,
    line: null,
  },
];

function standin(ruleId: string, severity: Severity, resource: Finding["resource"], message: string, extra: Partial<Finding> = {}): Finding {
  const rule = STANDIN_RULES.find((r) => r.id === ruleId);
  return {
    ruleId,
    name: rule?.name ?? ruleId.toLowerCase(),
    severity,
    resource,
    message,
    evidence: {},
    remediation: rule?.remediation ?? "",
    fingerprint: fingerprintOf(ruleId, resource.arn, message),
    suppressed: null,
    location: null,
    ...extra,
  };
}

export interface Scenario {
  document: CanonicalDocument;
  report: AuditReport;
  catalog: RuleMetadata[];
}

/** A document with shared roles, usage, grants, and the real + stand-in findings. */
export function scenario(functions = 24, seed = 7): Scenario {
  const document = syntheticDocument(functions, seed);
  // Grants for the bars: the synthetic document has none. Each role allows its usage plus more.
  document.roles.forEach((role, i) => {
    const allowed = ["dynamodb:GetItem", "dynamodb:PutItem", "s3:GetObject", "s3:PutObject", "sqs:SendMessage", "sns:Publish", "kms:Decrypt", "logs:CreateLogStream", "logs:PutLogEvents"];
    role.facts.allowedActions = allowed.slice(0, 3 + (i % 7)).sort();
    role.facts.allowedActionCount = role.facts.allowedActions.length + (i === 0 ? 15000 : i * 3);
    role.facts.actionsTruncated = i === 0;
  });
  const real = auditDocument(document);
  const shared = document.roles.find((r) => r.functions.length > 1) ?? document.roles[0]!;
  const single = document.roles.find((r) => r.functions.length === 1 && r !== shared) ?? document.roles[document.roles.length - 1]!;
  const fn = document.functions.find((f) => f.arn === single.functions[0])!;
  const extra: Finding[] = [
    standin("LR901", "critical", { type: "role", arn: shared.arn, name: shared.name }, `Role ${shared.name} allows * on * through AdministratorAccess`, {
      evidence: { policy: "arn:aws:iam::aws:policy/AdministratorAccess", statements: [{ Action: ["*"], Resource: ["*"] }] },
      location: { file: "infra/template.yaml", line: 42 },
    }),
    standin("LR902", "high", { type: "function", arn: fn.arn, name: fn.name }, `Function ${fn.name} has a public URL (AuthType NONE)`, {
      evidence: { authType: "NONE", url: "https://abc.lambda-url.us-east-1.on.aws/" },
    }),
    standin("LR903", "low", { type: "role", arn: single.arn, name: single.name }, `Role ${single.name} grants 5 actions never used in 90 days`, {
      evidence: { unused: ["s3:PutObject", "sns:Publish"] },
    }),
    standin("LR904", "info", { type: "function", arn: fn.arn, name: fn.name }, `Function ${fn.name} has tracing off`),
    standin("LR903", "low", { type: "policy", arn: "arn:aws:iam::123456789012:policy/orphan-policy", name: "orphan-policy" }, "Policy orphan-policy is attached to no role"),
    standin("LR903", "medium", { type: "principal", arn: "arn:aws:iam::123456789012:user/ci-deployer", name: "ci-deployer" }, "User ci-deployer can pass any role to Lambda"),
    standin("LR902", "high", { type: "function", arn: document.functions[0]!.arn, name: document.functions[0]!.name }, `Accepted risk on ${document.functions[0]!.name}`, {
      suppressed: { reason: "Public webhook endpoint, reviewed by security (SEC-1234)", expires: "2027-01-31", origin: "config:.leastrole.yaml" },
    }),
  ];
  const findings = [...real.findings, ...extra].sort(compareFindings);
  const report: AuditReport = { ...real, findings, summary: summarise(document, findings) };
  return { document, report, catalog: [...loadBuiltinPack().catalog.rules, ...STANDIN_RULES] };
}

/** The same scenario with attacker-controlled strings in names, tags, messages and evidence. */
export function hostileScenario(): Scenario {
  const sc = scenario(8, 3);
  const role = sc.document.roles.find((r) => r.functions.length > 0)!;
  role.tags = { owner: EVIL };
  role.name = `evil+role=${EVIL}`.slice(0, 200);
  sc.document.meta.warnings.push({ code: "unreadable-file", severity: "warning", message: EVIL, file: `dir/${EVIL}.json` });
  sc.document.meta.partial = true;
  const f = standin("LR901", "critical", { type: "role", arn: `${role.arn}${EVIL}`, name: EVIL }, `Message ${EVIL}`, {
    evidence: { [EVIL]: EVIL, nested: [EVIL] },
    location: { file: `src/${EVIL}.yaml`, line: 3 },
  });
  const findings = [f, ...sc.report.findings].sort(compareFindings);
  return { ...sc, report: { ...sc.report, findings, summary: summarise(sc.document, findings) } };
}

/** What a writer given `write` writes: the text, and in how many pieces. */
export function writtenPieces(produce: (write: (s: string) => void) => void): { text: string; pieces: number } {
  let text = "";
  let pieces = 0;
  produce((s) => {
    text += s;
    pieces++;
  });
  return { text, pieces };
}
