/**
 * Every CloudTrail file in the corpus (20 Invictus S3-delivered files, 17 Stratus arrays), read
 * through the byte scanner, the full parser and worker threads, with assertions on real content.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readUsage } from "../../src/usage/index.js";
import { corpusFiles, INVICTUS, readJson, referenceEvents, scannedEvents, STRATUS } from "./helpers.js";

describe("corpus CloudTrail", () => {
  it("the byte scanner extracts exactly what JSON.parse does, record by record, in every file", () => {
    const files = corpusFiles();
    expect(files.length).toBe(37);
    let total = 0;
    for (const f of files) {
      const buf = readFileSync(f);
      const { events, outcome } = scannedEvents(buf);
      expect(outcome?.error ?? null, f).toBeNull();
      expect(events, f).toEqual(referenceEvents(readJson(f)));
      total += events.length;
    }
    expect(total).toBe(1616);
  });

  it("stops when its signal is aborted, before or while the workers read", async () => {
    const paths = [INVICTUS, STRATUS];
    await expect(readUsage(paths, { workers: 2, signal: AbortSignal.abort(new Error("not needed")) })).rejects.toThrow("not needed");
    await expect(readUsage(paths, { workers: 1, signal: AbortSignal.abort(new Error("not needed")) })).rejects.toThrow("not needed");
    const stop = new AbortController();
    const reading = readUsage(paths, { workers: 2, signal: stop.signal, onProgress: () => stop.abort(new Error("enough")) });
    await expect(reading).rejects.toThrow("enough");
  });

  it("starting the later workers when a promise settles gives the same aggregate, even if it never does", async () => {
    const paths = [INVICTUS, STRATUS];
    const all = await readUsage(paths, { workers: 2 });
    // Settled at once, part-way through (after the fifth file) and never: one worker reads the rest.
    let release: () => void = () => undefined;
    let files = 0;
    const partWay = readUsage(paths, { workers: 3, moreWorkersAfter: new Promise<void>((r) => (release = r)), onProgress: () => ++files === 5 && release() });
    expect(await readUsage(paths, { workers: 2, moreWorkersAfter: Promise.resolve() })).toEqual(all);
    expect(await partWay).toEqual(all);
    expect(await readUsage(paths, { workers: 2, moreWorkersAfter: new Promise(() => undefined) })).toEqual(all);
    // A rejected promise starts them too (the caller failed; its abort signal is what stops reading).
    expect(await readUsage(paths, { workers: 2, moreWorkersAfter: Promise.reject(new Error("caller failed")) })).toEqual(all);
  });

  it("reads all files with the same aggregate from the scanner, the full parser and 2 workers", async () => {
    const paths = [INVICTUS, STRATUS];
    const seq = await readUsage(paths, { workers: 1 });
    const full = await readUsage(paths, { workers: 1, fastScan: false });
    const par = await readUsage(paths, { workers: 2 });
    expect(par).toEqual(seq);
    expect(full.sessions).toEqual(seq.sessions);
    expect(full.coverage).toEqual(seq.coverage);

    expect(seq.files).toHaveLength(37);
    // Each file's SHA-256 over its bytes as stored, as meta.sources carries it for every input.
    for (const f of seq.files) expect(f.sha256, f.path).toBe(createHash("sha256").update(readFileSync(f.path)).digest("hex"));
    expect(seq.files.filter((f) => f.format === "cloudtrail-s3")).toHaveLength(20);
    expect(seq.files.filter((f) => f.format === "cloudtrail-array")).toHaveLength(17);
    expect(seq.coverage.recordsRead).toBe(1616);
    expect(seq.coverage.recordsSkipped).toBe(0);
    expect(seq.coverage.duplicatesRemoved).toBe(0);
    expect(seq.coverage.partial).toBe(false);
    expect(seq.coverage.dataEventRecords).toBe(0);
    expect(seq.coverage.days).toEqual(["2023-07-10", "2024-07-30", "2024-07-31", "2024-08-01", "2024-08-02", "2024-08-28", "2024-11-26"]);
    expect(seq.coverage.accounts).toContain("123837392027");
    // Invictus file names carry 218007301253 but records say 123837392027: never taken from names.
    expect(seq.coverage.accounts).not.toContain("218007301253");
    expect(seq.sessions).toHaveLength(12);
    // 92 AssumedRole API calls in the corpus; every one lands in a session.
    const calls = seq.sessions.reduce((n, s) => n + s.actions.reduce((m, a) => m + a.count, 0) + Object.values(s.unmapped).reduce((m, c) => m + c, 0), 0);
    expect(calls).toBe(92);
  });

  it("attributes the EC2 get-password-data session: 29 GetPasswordData calls, all denied", async () => {
    const agg = await readUsage([INVICTUS], { workers: 1 });
    const s = agg.sessions.find((x) => x.sessionName === "aws-go-sdk-1688990082523310002");
    expect(s?.roleArn).toBe("arn:aws:iam::123837392027:role/stratus-red-team-ec2-get-password-data-role");
    expect(s?.actions.map((a) => [a.action, a.count, a.deniedCount])).toEqual([["ec2:GetPasswordData", 29, 29]]);
    expect(s?.actions[0]?.errorCodes).toEqual({ "Client.UnauthorizedOperation": 29 });
  });

  it("names a refused call's instance from its request, its message's resource only when the request names none (Stratus get-user-data)", async () => {
    // Client.UnauthorizedOperation with "… is not authorized to perform: ec2:DescribeInstanceAttribute on
    // resource: arn:aws:ec2:apiso-westcentral-3r:<account>:instance/* because …", and requestParameters
    // naming the instance by instanceId (resources.ts ec2Arns): the record's resource comes first, as
    // resources[] does (denials.ts refusedCallResources). Before instanceId was read, the message's
    // instance/* was the refused calls' resource.
    const agg = await readUsage([STRATUS], { workers: 1 });
    const s = agg.sessions.find((x) => x.sessionName === "aws-go-sdk-1722455550269043000");
    const a = s?.actions.find((x) => x.action === "ec2:DescribeInstanceAttribute");
    expect(a).toMatchObject({ count: 15, deniedCount: 15, errorCodes: { "Client.UnauthorizedOperation": 15 } });
    expect(a?.resources).toHaveLength(15);
    expect(a?.resources.every((r) => /^arn:aws:ec2:apiso-westcentral-3r:321848314756:instance\/i-[0-9a-f]{8}$/.test(r))).toBe(true);
    expect(a?.unnamedCalls ?? 0).toBe(0);
  });

  it("keeps the instance-role session apart, maps SSM agent calls and drops GetCallerIdentity", async () => {
    const agg = await readUsage([INVICTUS], { workers: 1 });
    const s = agg.sessions.find((x) => x.sessionName === "i-0dbc91f429e48eeed");
    expect(s?.roleArn).toBe("arn:aws:iam::123837392027:role/stratus-red-team-ec2-steal-credentials-role");
    expect(Object.fromEntries(s?.actions.map((a) => [a.action, a.count]) ?? [])).toEqual({
      "ec2:DescribeInstances": 1,
      "ssm:GetDocument": 1,
      "ssm:ListInstanceAssociations": 2,
      "ssm:PutComplianceItems": 1,
      "ssm:PutInventory": 1,
      "ssm:UpdateInstanceAssociationStatus": 4,
      "ssm:UpdateInstanceInformation": 4,
    });
    expect(s?.unmapped).toEqual({ "sts.amazonaws.com:GetCallerIdentity": 1 });
    // Service-linked role sessions used by Inspector carry invokedBy and stay separate sessions.
    const inspector = agg.sessions.filter((x) => x.roleArn.endsWith("role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2"));
    expect(inspector.map((x) => [x.sessionName, x.invokedBy])).toEqual([
      ["MandoService2842426183934887787", "inspector2.amazonaws.com"],
      ["MandoService364061179539770931", "inspector2.amazonaws.com"],
    ]);
  });

  it("keeps the role path from sessionIssuer (SSO role) and the session name from principalId", async () => {
    const agg = await readUsage([STRATUS], { workers: 1 });
    const s = agg.sessions.find((x) => x.accountId === "844015365555");
    expect(s?.roleArn).toBe("arn:aws:iam::844015365555:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_account-admin_599c9e90e350d2ff");
    expect(s?.sessionName).toBe("randomca0L529zwNAY@gmail.com");
    expect(s?.actions.map((a) => `${a.action}=${a.count}`)).toEqual(["ec2-instance-connect:SendSerialConsoleSSHPublicKey=3", "ec2:EnableSerialConsoleAccess=1"]);
  });

  it("reports progress for every file", async () => {
    const seen: number[] = [];
    await readUsage([STRATUS], { workers: 1, onProgress: (p) => seen.push(p.filesDone) });
    expect(seen).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
  });
});
