/**
 * Names a template refers to but does not define: a `Ref`, `Fn::GetAtt` or `Fn::Sub` `${Name}` of
 * no parameter, resource or pseudo parameter. CloudFormation refuses such a template ("Template
 * format error: Unresolved resource dependencies [X] in the Resources block of the template");
 * the reader keeps reading (the name stays the placeholder `${X}`), but says so: before, a
 * `Role: !GetAtt MissingRole.Arn` was reported as a role missing from the IAM inputs, and a
 * `${Typo}` in a policy's Resource as a value known at deployment.
 */

import { childPath } from "./located.js";
import { isRecord } from "./lambda-shapes.js";
import { holdsTransform } from "./unread-constructs.js";

const PSEUDO = new Set(["AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"]);
/** Transforms whose output the reader models: any other (a macro, AWS::Include) may add names. */
const MODELLED = new Set(["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"]);

/**
 * The first place each undefined name is referred to, in the order found, then the parameters
 * given to Fn::GetAtt (or `${P.Attr}`), which reads a resource's attributes only. `defined`: the
 * template's parameters and resources, and those a transform the reader applied made (SAM's
 * `<Fn>Role`), each resource also as `resource:<logical ID>`. A SAM template may also name a referable property of a resource (`Fn.Alias`) and
 * the APIs SAM makes for events (`ServerlessRestApi`, `ServerlessHttpApi`).
 * `output`: the Output (its logical ID) that alone refers to the name, the resources and
 * conditions not: a typo in an Output changes no function, role or policy the audit reads.
 */
export function undefinedReferences(template: Record<string, unknown>, defined: ReadonlySet<string>, sam: boolean): Array<{ name: string; path: string; parameter?: true; output?: string }> {
  const transforms = template.Transform === undefined ? [] : Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  if (transforms.some((t) => typeof t !== "string" || !MODELLED.has(t))) return [];
  // AWS::Include (Fn::Transform) puts in resources and values at deployment: a name may be defined there.
  if (holdsTransform(template.Resources) || holdsTransform(template.Outputs) || holdsTransform(template.Conditions)) return [];
  const found = new Map<string, string>();
  const deploying = sam && hasDeploymentPreference(template);
  const isDefined = (name: string): boolean => {
    if (PSEUDO.has(name) || defined.has(name)) return true;
    if (!sam) return false;
    if (name.startsWith("ServerlessRestApi") || name.startsWith("ServerlessHttpApi")) return true;
    // What SAM makes for gradual deployments (generated resources, "With DeploymentPreference"):
    // the stack's one CodeDeploy application and the role CodeDeploy runs with. Hooks name the
    // application in their codedeploy:PutLifecycleEventHookExecutionStatus statement.
    if (deploying && (name === "ServerlessDeploymentApplication" || name === "CodeDeployServiceRole")) return true;
    const dot = name.indexOf(".");
    return dot > 0 && defined.has(name.slice(0, dot));
  };
  const parameters = new Set(Object.keys(isRecord(template.Parameters) ? template.Parameters : {}));
  const attributesOf = new Map<string, string>(); // parameters given to Fn::GetAtt: they have none
  // The Output being walked: Outputs are walked last, so a name first found there is in no
  // resource or condition.
  let output: string | undefined;
  const outputOf = new Map<string, string>();
  const check = (name: string, path: string): void => {
    if (name === "" || isDefined(name) || found.has(name)) return;
    found.set(name, path);
    if (output !== undefined) outputOf.set(name, output);
  };
  const checkResource = (name: string, path: string): void => {
    // A parameter of the same name as no resource: CloudFormation's GetAtt reads resources only.
    if (parameters.has(name) && !defined.has(`resource:${name}`)) {
      if (attributesOf.has(name)) return;
      attributesOf.set(name, path);
      if (output !== undefined) outputOf.set(`parameter:${name}`, output);
      return;
    }
    check(name, path);
  };
  const walk = (v: unknown, path: string, depth: number): void => {
    if (depth > 100) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, childPath(path, i), depth + 1));
      return;
    }
    if (!isRecord(v)) return;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const key = keys[0] as string;
      const arg = v[key];
      const at = childPath(path, key);
      if (key === "Ref" && typeof arg === "string") return check(arg, at);
      if (key === "Fn::GetAtt") {
        const id = Array.isArray(arg) ? arg[0] : typeof arg === "string" ? arg.split(".")[0] : undefined;
        if (typeof id === "string") checkResource(id, at);
        if (Array.isArray(arg)) arg.slice(1).forEach((x, i) => walk(x, childPath(at, i + 1), depth + 1));
        return;
      }
      if (key === "Fn::Sub") {
        const text = Array.isArray(arg) ? arg[0] : arg;
        const vars = Array.isArray(arg) && isRecord(arg[1]) ? arg[1] : {};
        if (typeof text === "string") {
          for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
            const inner = (m[1] as string).trim();
            if (inner.startsWith("!") || Object.hasOwn(vars, inner)) continue;
            // `${Res.Attr}` is a GetAtt of Res (a pseudo parameter has `::`, not a dot before it).
            if (inner.includes(".") && !inner.startsWith("AWS::")) checkResource(inner.split(".")[0] as string, at);
            else check(inner, at);
          }
        } else walk(text, childPath(at, 0), depth + 1);
        for (const [k, x] of Object.entries(vars)) walk(x, childPath(childPath(at, 1), k), depth + 1);
        return;
      }
    }
    for (const k of keys) walk(v[k], childPath(path, k), depth + 1);
  };
  for (const [id, r] of Object.entries(isRecord(template.Resources) ? template.Resources : {})) {
    if (isRecord(r) && r.Properties !== undefined) walk(r.Properties, childPath(childPath("Resources", id), "Properties"), 0);
  }
  for (const [id, c] of Object.entries(isRecord(template.Conditions) ? template.Conditions : {})) walk(c, childPath("Conditions", id), 0);
  for (const [id, o] of Object.entries(isRecord(template.Outputs) ? template.Outputs : {})) {
    output = id;
    if (isRecord(o)) walk({ Value: o.Value, Export: o.Export }, childPath("Outputs", id), 0);
  }
  const of = (key: string): { output?: string } => {
    const id = outputOf.get(key);
    return id === undefined ? {} : { output: id };
  };
  return [...[...found].map(([name, path]) => ({ name, path, ...of(name) })), ...[...attributesOf].map(([name, path]) => ({ name, path, parameter: true as const, ...of(`parameter:${name}`) }))];
}

/** A SAM function (or the Globals every function takes) with a DeploymentPreference. */
function hasDeploymentPreference(template: Record<string, unknown>): boolean {
  const globals = isRecord(template.Globals) && isRecord(template.Globals.Function) ? template.Globals.Function : {};
  if (globals.DeploymentPreference !== undefined) return true;
  const resources = isRecord(template.Resources) ? Object.values(template.Resources) : [];
  return resources.some((r) => isRecord(r) && r.Type === "AWS::Serverless::Function" && isRecord(r.Properties) && r.Properties.DeploymentPreference !== undefined);
}
