/**
 * Builds AWS export files (the shapes the CLI writes) for tests: an authorization-details export,
 * list-functions per region, event source mappings, URL configs, get-policy and
 * list-capacity-providers outputs. Used by
 * the property tests and the fuzzers; the benchmark has its own larger generator.
 */

export interface ExportSpec {
  account: string;
  roles: Array<{ name: string; path: string; trustsLambda: boolean; actions: string[]; managed: string[] }>;
  functions: Array<{ name: string; region: string; role: number; env: Array<[string, string]>; sqs: boolean; url: "NONE" | "AWS_IAM" | null; version: number | null }>;
  /** Lambda Managed Instances capacity providers, each with its operator role (an index into `roles`). */
  capacityProviders?: Array<{ name: string; region: string; role: number }>;
}

export function roleArn(spec: ExportSpec, i: number): string {
  const r = spec.roles[i]!;
  return `arn:aws:iam::${spec.account}:role${r.path}${r.name}`;
}

export function buildExport(spec: ExportSpec): Array<{ file: string; text: string }> {
  const files: Array<{ file: string; text: string }> = [];
  const trust = (lambda: boolean) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: lambda ? "lambda.amazonaws.com" : "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  files.push({
    file: "iam/authz.json",
    text: JSON.stringify({
      RoleDetailList: spec.roles.map((r, i) => ({
        Path: r.path,
        RoleName: r.name,
        RoleId: `AROA${i}`,
        Arn: roleArn(spec, i),
        CreateDate: "2024-01-02 03:04:05+00:00",
        AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust(r.trustsLambda))),
        RolePolicyList: r.actions.length ? [{ PolicyName: "inline", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: r.actions, Resource: "*" }] } }] : [],
        AttachedManagedPolicies: r.managed.map((m) => ({ PolicyName: m, PolicyArn: `arn:aws:iam::${spec.account}:policy/${m}` })),
        Tags: [],
        RoleLastUsed: {},
      })),
      Policies: [...new Set(spec.roles.flatMap((r) => r.managed))].map((m) => ({
        PolicyName: m,
        Arn: `arn:aws:iam::${spec.account}:policy/${m}`,
        Path: "/",
        DefaultVersionId: "v2",
        AttachmentCount: 1,
        PolicyVersionList: [
          { Document: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }), VersionId: "v2", IsDefaultVersion: true },
          { Document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }, VersionId: "v1", IsDefaultVersion: false },
        ],
      })),
    }),
  });
  const regions = [...new Set(spec.functions.map((f) => f.region))].sort();
  for (const region of regions) {
    const fns = spec.functions.filter((f) => f.region === region);
    const configs = fns.flatMap((f) => {
      const arn = `arn:aws:lambda:${region}:${spec.account}:function:${f.name}`;
      const base = {
        FunctionName: f.name,
        FunctionArn: arn,
        Runtime: "python3.12",
        Role: roleArn(spec, f.role),
        LastModified: "2025-03-04T05:06:07.890+0000",
        Version: "$LATEST",
        ...(f.env.length ? { Environment: { Variables: Object.fromEntries(f.env) } } : {}),
      };
      const out: object[] = [base];
      if (f.version !== null) out.push({ ...base, FunctionArn: `${arn}:1`, Version: "1", Role: roleArn(spec, f.version) });
      return out;
    });
    files.push({ file: `lambda/${region}/functions.json`, text: JSON.stringify({ Functions: configs }) });
    const mappings = fns.filter((f) => f.sqs).map((f, i) => ({ UUID: `uuid-${f.name}-${i}`, EventSourceArn: `arn:aws:sqs:${region}:${spec.account}:${f.name}-queue`, FunctionArn: `arn:aws:lambda:${region}:${spec.account}:function:${f.name}`, State: "Enabled", LastModified: 1569284520.333 }));
    if (mappings.length) files.push({ file: `lambda/${region}/esm.json`, text: JSON.stringify({ EventSourceMappings: mappings }) });
    for (const f of fns.filter((x) => x.url)) {
      const arn = `arn:aws:lambda:${region}:${spec.account}:function:${f.name}`;
      files.push({ file: `lambda/${region}/url-${f.name}.json`, text: JSON.stringify({ FunctionUrl: `https://${f.name}.lambda-url.${region}.on.aws/`, FunctionArn: arn, AuthType: f.url }) });
      files.push({
        file: `lambda/${region}/policy-${f.name}.json`,
        text: JSON.stringify({ Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: [{ Sid: "url", Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunctionUrl", Resource: arn, Condition: { StringEquals: { "lambda:FunctionUrlAuthType": f.url } } }] }), RevisionId: "r" }),
      });
    }
  }
  for (const region of [...new Set((spec.capacityProviders ?? []).map((c) => c.region))].sort()) {
    const providers = (spec.capacityProviders ?? []).filter((c) => c.region === region).map((c) => ({
      CapacityProviderArn: `arn:aws:lambda:${region}:${spec.account}:capacity-provider:${c.name}`,
      State: "Active",
      PermissionsConfig: { CapacityProviderOperatorRoleArn: roleArn(spec, c.role) },
    }));
    files.push({ file: `lambda/${region}/capacity-providers.json`, text: JSON.stringify({ CapacityProviders: providers }) });
  }
  return files;
}
