/**
 * LR010 on a Kafka mapping whose secret the execution role may not read names the secret, the
 * cluster as context. The input is the AWS SAM Developer Guide's MSK "Complete setup with IAM roles"
 * example (test/fixtures/kafka-secret/SOURCE.md): its role grants secretsmanager:GetSecretValue on
 * `secret:kafkaSecret-******`, while the mapping's SASL/SCRAM secret is
 * `secret:my-path/my-secret-name-1a2b3c`. Before, the finding said "its event source secret
 * ${MyMskCluster}": the cluster, named as the secret. Needs `npm run build:policies`.
 */
import { describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/audit-document.js";
import { buildDocument } from "../../src/audit/build-document.js";

const file = new URL("../fixtures/kafka-secret/sam-guide-msk-complete-setup.yaml", import.meta.url).pathname;

describe("LR010 on a mapping's secret", () => {
  it("names the secret the role lacks secretsmanager:GetSecretValue on, and the cluster it is for", async () => {
    const findings = auditDocument(await buildDocument([file], { workers: 1 })).findings.filter((f) => f.ruleId === "LR010" && f.evidence.purpose === "trigger-secret");
    const secret = findings[0]?.evidence.missing as Array<{ resource: string }> | undefined;
    expect(secret?.map((m) => m.resource)).toEqual([expect.stringMatching(/^arn:aws:secretsmanager:us-west-2:123456789012:secret:my-path\/my-secret-name-1a2b3c$/)]);
    const arn = secret![0]!.resource;
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ["medium", `Function MyMskStreamProcessor: its execution role cannot use its secret ${arn} of its event source \${MyMskCluster} (missing secretsmanager:GetSecretValue)`],
    ]);
    expect(findings[0]?.evidence).toMatchObject({ subject: "${MyMskCluster}", secretArns: [arn] });
  });
});
