/**
 * Privilege-escalation paths of a role or IAM user (LR014), from the canonical combinations
 * (Rhino Security Labs' 28 methods as refined by Parliament, Cloudsplaining and PMapper;
 * /work/shared/reference/iam-tools-landscape.md §3), decided by the IAM engine, not by action names:
 * every step is an `evaluateRequest` on a concrete or representative target with the context the
 * step implies (`iam:PassedToService` for PassRole), so a resource constraint, a condition that
 * fails, a deny or a permissions boundary removes the path; a NotAction grant or a wildcard that
 * still reaches a target keeps it.
 *
 * Targets: the principal itself (self-escalation), the concrete roles, users, groups and functions
 * in the document, and a representative "any X in the account" ARN whose name is a literal `*`:
 * only a policy pattern that covers every name of that type matches it, which is exactly "granted
 * on arbitrary X", including the ones the inputs do not show.
 */
import type { CanonicalDocument, LambdaFunction, ManagedPolicy, PolicyDocument, PolicyStatement, Principal, Role } from "../model/document.js";
import type { BlockedEscalation, EscalationPath, StatementPointer } from "../model/analysis.js";
import { actionApplies, allowedActionSet, arnMatches, evaluateRequest, instantOf, serviceMayAssume, type ActionCatalog, type EvaluationResult, type NamedPolicy, type StatementRef } from "./iam.js";
import { principalContext, timeOf } from "./context.js";
import { ContentCache, groupBy } from "../collections.js";
import { accountOf, actionKeyOf, byString, isAwsManagedArn, partitionOf, pointers, type PrincipalPolicies } from "./policies.js";
import { accountInWords, hasPlaceholderAccount, isPlaceholderAccount } from "../deployment-account.js";
import type { GainComparer } from "./escalation-gain.js";

type TargetKind = "role" | "passable-role" | "user" | "group" | "policy" | "other-function" | "own-function" | "new-resource" | "self";

interface Step {
  /** Any one of these actions satisfies the step. */
  actions: string[];
  target: TargetKind;
  /** For `passable-role`: the service the role is passed to (iam:PassedToService). */
  service?: string;
  /**
   * For `new-resource`: the resource-type path after `arn:<p>:<svc>:<region>:<account>:`, or `*` for
   * an action with no resource types (AWS then authorizes it on `*` only).
   */
  newResource?: string;
  /** For `new-resource`: a path per action, where the step's actions act on different resource types. */
  resources?: Readonly<Record<string, string>>;
  /**
   * For `new-resource`: resources owned by AWS (no account in their ARN) any one of which will do,
   * in place of `newResource` (the Run Command documents that run any shell command).
   */
  awsOwned?: readonly string[];
  /** For `new-resource`: the ARN's service when it is not the action's (ec2-instance-connect acts on ec2 instances). */
  resourceService?: string;
  /**
   * For `sts:AssumeRole` after iam:UpdateAssumeRolePolicy: the role's trust policy is the one the
   * principal writes, naming it by its ARN, so within the account no identity grant is needed
   * (as `sts-assume-role` decides a trust naming the principal); an explicit Deny or a boundary
   * that does not allow it still stops it.
   */
  rewrittenTrust?: true;
  /**
   * For `role` and `user`: the principal itself is a target (an inline policy on itself grants it
   * anything); left out where acting on itself gains nothing (its own access key or password, its
   * own trust policy).
   */
  self?: true;
  /** For `new-resource`: the step acts on an existing resource of the type (a takeover), not a new one. */
  existing?: boolean;
  /**
   * For `policy`: the step makes another version of the policy the default, so a policy whose
   * versions the document holds and that has none but the default is no target (nothing to roll
   * back to). A policy whose versions the inputs do not give (a template's, a plan's, one only
   * referenced) and the representative "any policy" stay targets.
   */
  rollback?: true;
  /**
   * For `self`: the action on a role and the one on a user (only the principal's own kind's is
   * tried: `iam:DeleteUserPermissionsBoundary` names no role), and what `iam:PermissionsBoundary`
   * is in the request (ownBoundaryStep): the boundary the principal has (`current`: a Delete
   * names the boundary attached) or a broader one it would name (`broader`: a Put names the new one).
   */
  ownBoundary?: { role: string; user: string; boundary: "current" | "broader" };
  /**
   * The step takes over its target (a role passed to compute, another function's execution role, a
   * user's credentials, a role whose trust it rewrites, a group a user joins): the path gains the
   * target's permissions and nothing else, so a concrete target that holds no permission the principal lacks (holdsNoMore)
   * is no target. The representative "any X" is always one (it stands for the ones the inputs do
   * not show).
   */
  takesOver?: true;
}

interface Method {
  id: string;
  title: string;
  steps: Step[];
  why: string;
  /**
   * The method removes or replaces the principal's own permissions boundary: no path without a
   * boundary, nor when the boundary takes nothing from what its identity policies grant
   * (boundaryGain).
   */
  liftsBoundary?: true;
  /**
   * The method makes a new IAM resource of this type (`role`) whose name the principal chooses: its
   * steps on the representative `iam:<type>/*` are tried again on a name each pattern of its grant
   * of the first step's action allows (newNames), the first whose steps all pass making the path.
   */
  namesNew?: "role";
}

/**
 * A principal's own permissions boundary removed or replaced (the step of the two boundary
 * methods). Its effective permissions are the intersection of its identity policies and its
 * boundary ("Permissions boundaries for IAM entities", IAM User Guide): without the boundary, or
 * with a broader one, it holds whatever its identity policies grant. The call itself is within the
 * boundary (the engine decides it with identity policies and boundary), on the principal's own
 * ARN. `iam:PermissionsBoundary` is the boundary attached for a Delete, and the one the request
 * sets for a Put (the condition AWS's delegation examples put on Put*PermissionsBoundary to pin
 * the boundary: "IAM JSON policy elements: condition keys", IAM User Guide, iam:PermissionsBoundary).
 */
const ownBoundary = (role: string, user: string, boundary: "current" | "broader"): Step => ({ actions: [role, user], target: "self", ownBoundary: { role, user, boundary } });

const pass = (service: string): Step => ({ actions: ["iam:PassRole"], target: "passable-role", service, takesOver: true });
const create = (actions: string[], newResource: string): Step => ({ actions, target: "new-resource", newResource });
/** A step any one of whose actions will do, each on its own resource type (`{"glue:CreateTrigger": "trigger/*"}`). */
const createEither = (resources: Record<string, string>): Step => ({ actions: Object.keys(resources), target: "new-resource", resources });
/** A step on a resource AWS owns (no account in its ARN), any one of `resources`. */
const ownedByAws = (actions: string[], resources: string[]): Step => ({ actions, target: "new-resource", awsOwned: resources });
/**
 * A step on any existing resource of a type (the account's instances, tasks, stacks, notebooks):
 * the inputs do not list them, so "any X" is the representative target, as for new resources.
 */
const takeOver = (actions: string[], newResource: string, resourceService?: string): Step => ({ actions, target: "new-resource", newResource, existing: true, ...(resourceService ? { resourceService } : {}) });

export const ESCALATION_METHODS: readonly Method[] = [
  { id: "iam-create-policy-version", title: "New version of a managed policy", steps: [{ actions: ["iam:CreatePolicyVersion"], target: "policy" }], why: "can write a new default version of a customer managed policy, granting itself or others anything" },
  { id: "iam-set-default-policy-version", title: "Roll back a managed policy to another version", steps: [{ actions: ["iam:SetDefaultPolicyVersion"], target: "policy", rollback: true }], why: "can make an older, broader version of a customer managed policy the default" },
  { id: "iam-put-role-policy", title: "Inline policy on a role", steps: [{ actions: ["iam:PutRolePolicy"], target: "role", self: true }], why: "can write an inline policy granting anything to a role (itself included)" },
  { id: "iam-attach-role-policy", title: "Attach a managed policy to a role", steps: [{ actions: ["iam:AttachRolePolicy"], target: "role", self: true }], why: "can attach AdministratorAccess to a role (itself included)" },
  { id: "iam-update-assume-role-policy", title: "Rewrite a role's trust policy and assume it", steps: [{ actions: ["iam:UpdateAssumeRolePolicy"], target: "role", takesOver: true }, { actions: ["sts:AssumeRole"], target: "role", rewrittenTrust: true }], why: "can make another role trust it and then assume that role" },
  // Rhino Security Labs' AttachRolePolicy and PutRolePolicy (methods 9 and 12) on a role of its own
  // making, assumed after (Parliament adds sts:AssumeRole to both; iam-tools-landscape.md §3): the
  // trust policy CreateRole takes is the principal's to write, naming it by its ARN, so the assume
  // step is decided as after iam:UpdateAssumeRolePolicy (rewrittenTrust). The new role is "a role
  // in the account" (the representative `role/*`, which iam-put-role-policy and
  // iam-attach-role-policy reach too), else a role named as its iam:CreateRole grant allows
  // (namesNew): a principal allowed to create, write and assume `role/sandbox-*` names its role
  // `sandbox-…`, which no role of the inputs need be (AWS's delegation pattern, "Permissions
  // boundaries for IAM entities", pins such grants with an iam:PermissionsBoundary condition; without
  // it the new role may hold anything).
  {
    id: "iam-create-role",
    namesNew: "role",
    title: "Create a role that trusts it and assume it",
    steps: [
      { actions: ["iam:CreateRole"], target: "new-resource", newResource: "iam:role/*" },
      { actions: ["iam:PutRolePolicy", "iam:AttachRolePolicy"], target: "new-resource", newResource: "iam:role/*" },
      { actions: ["sts:AssumeRole"], target: "new-resource", newResource: "iam:role/*", rewrittenTrust: true },
    ],
    why: "can create a role whose trust policy names it, grant that role anything and assume it",
  },
  { id: "iam-put-user-policy", title: "Inline policy on a user", steps: [{ actions: ["iam:PutUserPolicy"], target: "user", self: true }], why: "can write an inline policy granting anything to an IAM user" },
  { id: "iam-attach-user-policy", title: "Attach a managed policy to a user", steps: [{ actions: ["iam:AttachUserPolicy"], target: "user", self: true }], why: "can attach AdministratorAccess to an IAM user" },
  // A principal deleting or replacing its own permissions boundary (AWS's delegated-administrator
  // example denies iam:DeleteUserPermissionsBoundary and iam:PutUserPermissionsBoundary to the
  // delegated user itself for this reason: "Permissions boundaries for IAM entities", IAM User Guide).
  {
    id: "iam-delete-permissions-boundary",
    title: "Remove its own permissions boundary",
    steps: [ownBoundary("iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary", "current")],
    why: "can delete its own permissions boundary and then hold whatever its identity policies grant",
    liftsBoundary: true,
  },
  {
    id: "iam-put-permissions-boundary",
    title: "Replace its own permissions boundary with a broader one",
    steps: [ownBoundary("iam:PutRolePermissionsBoundary", "iam:PutUserPermissionsBoundary", "broader")],
    why: "can make a broader policy (AdministratorAccess) its own permissions boundary and then hold whatever its identity policies grant",
    liftsBoundary: true,
  },
  { id: "iam-create-access-key", title: "Access key for another user", steps: [{ actions: ["iam:CreateAccessKey"], target: "user", takesOver: true }], why: "can mint long-term credentials for an IAM user and act as that user" },
  { id: "iam-create-login-profile", title: "Console password for a user", steps: [{ actions: ["iam:CreateLoginProfile", "iam:UpdateLoginProfile"], target: "user", takesOver: true }], why: "can set a console password for an IAM user and sign in as that user" },
  { id: "iam-put-group-policy", title: "Inline policy on a group", steps: [{ actions: ["iam:PutGroupPolicy", "iam:AttachGroupPolicy"], target: "group" }], why: "can grant anything to every member of an IAM group" },
  // Adding a user (itself, or one whose credentials it holds) to a group gains the group's
  // permissions and nothing else, as a takeover does: a group whose policies hold nothing more than
  // the principal's (its own group, a read-only group of a broader user) is no target. Writing a
  // group's policies (iam-put-group-policy) grants whatever the principal writes: no such check.
  { id: "iam-add-user-to-group", title: "Add a user to a group", steps: [{ actions: ["iam:AddUserToGroup"], target: "group", takesOver: true }], why: "can put a user into a more privileged group" },
  { id: "sts-assume-any-role", title: "Assume any role", steps: [{ actions: ["sts:AssumeRole"], target: "new-resource", newResource: "iam:role/*" }], why: "can call sts:AssumeRole on every role name; any role that trusts its account becomes reachable" },
  {
    id: "passrole-lambda",
    title: "Pass a role to a new Lambda function",
    steps: [
      pass("lambda.amazonaws.com"),
      create(["lambda:CreateFunction"], "function:*"),
      create(["lambda:InvokeFunction", "lambda:AddPermission", "lambda:CreateEventSourceMapping"], "function:*"),
    ],
    why: "can create a function with a more privileged role and run it (invoke, resource policy or event source)",
  },
  { id: "passrole-glue", title: "Pass a role to a Glue development endpoint", steps: [pass("glue.amazonaws.com"), create(["glue:CreateDevEndpoint"], "devEndpoint/*")], why: "can start a Glue endpoint that runs with a more privileged role and SSH into it" },
  { id: "glue-update-dev-endpoint", title: "Take over a Glue development endpoint", steps: [create(["glue:UpdateDevEndpoint"], "devEndpoint/*")], why: "can add an SSH key to an existing endpoint and use its role" },
  { id: "passrole-cloudformation", title: "Pass a role to CloudFormation", steps: [pass("cloudformation.amazonaws.com"), create(["cloudformation:CreateStack"], "stack/*/*")], why: "can create a stack whose resources are created with a more privileged role" },
  { id: "passrole-ec2", title: "Pass a role to a new EC2 instance", steps: [pass("ec2.amazonaws.com"), create(["ec2:RunInstances"], "instance/*")], why: "can launch an instance with a more privileged instance profile and read its credentials" },
  // An instance profile attached to an instance already running (AssociateIamInstanceProfile, or
  // ReplaceIamInstanceProfileAssociation where one is attached): EC2 checks iam:PassRole on its
  // role at association as at launch ("Attach an IAM role to an instance", Amazon EC2 User Guide;
  // PMapper's ec2_edges, PassRole with iam:PassedToService ec2.amazonaws.com "checked at launch or
  // association"). The instance is an existing one (a takeover, "any ec2 instance", as for
  // ec2-modify-user-data); the path supposes the principal can reach code on it (SSH, Systems
  // Manager, a service it runs) to read the credentials from the instance metadata.
  {
    id: "passrole-ec2-associate-instance-profile",
    title: "Attach a role's instance profile to an existing EC2 instance",
    steps: [pass("ec2.amazonaws.com"), takeOver(["ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation"], "instance/*")],
    why: "can attach a more privileged role's instance profile to an existing instance and read its credentials there",
  },
  // EC2 Auto Scaling launching instances from a new launch configuration (PMapper's
  // autoscaling_edges). The instance profile's role goes to the instances, which EC2 assumes it
  // for, so iam:PassRole at CreateLaunchConfiguration is decided with iam:PassedToService
  // ec2.amazonaws.com (not autoscaling.amazonaws.com, whose service-linked role only launches them)
  // on roles that trust ec2.amazonaws.com; a new group (CreateAutoScalingGroup) or an existing one
  // switched to the configuration (UpdateAutoScalingGroup) launches them. With a launch template
  // instead, Auto Scaling also checks ec2:RunInstances and iam:PassRole of the caller ("Control
  // Amazon EC2 launch template usage in Auto Scaling groups", EC2 Auto Scaling User Guide): that
  // is passrole-ec2 already, and a new default version of an existing template is
  // ec2-modify-launch-template.
  // A group made from, or switched to, an EXISTING launch configuration (CreateAutoScalingGroup or
  // UpdateAutoScalingGroup alone, no iam:PassRole: "Amazon EC2 Auto Scaling API permissions" asks
  // PassRole of CreateAutoScalingGroup only for a launch template with an instance profile, a
  // non-default service-linked role or a lifecycle hook role) is no method of its own: its
  // instances run the configuration's image, user data and key pair, none of the caller's, so
  // reading the role's credentials there takes a way onto the instance (ssm-start-session,
  // ssm-send-command, ec2-instance-connect-ssh), which is a path on "any ec2 instance" already.
  {
    id: "passrole-autoscaling",
    title: "Pass a role to a new Auto Scaling launch configuration",
    steps: [
      pass("ec2.amazonaws.com"),
      create(["autoscaling:CreateLaunchConfiguration"], "launchConfiguration:*:launchConfigurationName/*"),
      createEither({ "autoscaling:CreateAutoScalingGroup": "autoScalingGroup:*:autoScalingGroupName/*", "autoscaling:UpdateAutoScalingGroup": "autoScalingGroup:*:autoScalingGroupName/*" }),
    ],
    why: "can create a launch configuration with a more privileged instance profile and have Auto Scaling launch instances from it",
  },
  {
    id: "passrole-datapipeline",
    title: "Pass a role to Data Pipeline",
    steps: [pass("datapipeline.amazonaws.com"), create(["datapipeline:CreatePipeline"], "pipeline/*"), create(["datapipeline:PutPipelineDefinition"], "pipeline/*")],
    why: "can run pipeline activities with a more privileged role",
  },
  {
    id: "passrole-sagemaker",
    title: "Pass a role to a SageMaker notebook",
    steps: [pass("sagemaker.amazonaws.com"), create(["sagemaker:CreateNotebookInstance"], "notebook-instance/*"), create(["sagemaker:CreatePresignedNotebookInstanceUrl"], "notebook-instance/*")],
    why: "can open a notebook running with a more privileged role",
  },
  // Passing a role to other new compute (pathfinding.cloud apprunner-001, bedrock-001,
  // cloudformation-003/004, codebuild-001/004, ec2-003, ecs-001..005, glue-003..006,
  // sagemaker-002/003; Cloudsplaining 0.9's PassExistingRoleToNew… methods, docs/comparison.md).
  // Where a step can be done several ways (run the task, start it, or make a service of it), any
  // one of them will do. The resource paths follow the ARN formats of the Service Authorization
  // Reference, wildcarded in every segment so that a grant on `task-definition/*` and one on
  // `task-definition/*:*` both reach the new resource.
  {
    id: "passrole-codebuild",
    title: "Pass a role to a new CodeBuild project",
    steps: [pass("codebuild.amazonaws.com"), create(["codebuild:CreateProject"], "project/*"), create(["codebuild:StartBuild", "codebuild:StartBuildBatch"], "project/*")],
    why: "can create a build project whose commands run with a more privileged service role, and start a build",
  },
  {
    id: "passrole-ecs",
    title: "Pass a role to a new ECS task",
    steps: [
      pass("ecs-tasks.amazonaws.com"),
      create(["ecs:RegisterTaskDefinition"], "task-definition/*:*"),
      createEither({ "ecs:RunTask": "task-definition/*:*", "ecs:StartTask": "task-definition/*:*", "ecs:CreateService": "service/*/*" }),
    ],
    why: "can register a task definition with a more privileged task role and run it (as a task or a service)",
  },
  // An existing task definition run with another task role: RunTask and StartTask take
  // overrides.taskRoleArn (and the containers' command), and ECS checks iam:PassRole on that role
  // (Amazon ECS API Reference, TaskOverride; "Task IAM role", Amazon ECS Developer Guide), passed
  // to ecs-tasks.amazonaws.com as at RegisterTaskDefinition. No new task definition is needed.
  {
    id: "ecs-run-task-override",
    title: "Run an existing ECS task definition with another task role",
    steps: [pass("ecs-tasks.amazonaws.com"), takeOver(["ecs:RunTask", "ecs:StartTask"], "task-definition/*:*")],
    why: "can run an existing task definition with a more privileged task role and its own command (overrides)",
  },
  {
    id: "passrole-glue-job",
    title: "Pass a role to a new Glue job",
    steps: [pass("glue.amazonaws.com"), create(["glue:CreateJob"], "job/*"), createEither({ "glue:StartJobRun": "job/*", "glue:CreateTrigger": "trigger/*" })],
    why: "can create a Glue job whose script runs with a more privileged role, and run it (directly or by a trigger)",
  },
  {
    id: "glue-update-job",
    title: "Give an existing Glue job another role",
    steps: [pass("glue.amazonaws.com"), takeOver(["glue:UpdateJob"], "job/*"), createEither({ "glue:StartJobRun": "job/*", "glue:CreateTrigger": "trigger/*" })],
    why: "can rewrite an existing Glue job's script and role, and run it",
  },
  {
    id: "passrole-sagemaker-job",
    title: "Pass a role to a new SageMaker training or processing job",
    steps: [pass("sagemaker.amazonaws.com"), createEither({ "sagemaker:CreateTrainingJob": "training-job/*", "sagemaker:CreateProcessingJob": "processing-job/*" })],
    why: "can start a training or processing job whose container runs with a more privileged role",
  },
  {
    id: "passrole-ec2-spot",
    title: "Pass a role to a new EC2 Spot Instance",
    steps: [pass("ec2.amazonaws.com"), create(["ec2:RequestSpotInstances"], "spot-instances-request/*")],
    why: "can request a Spot Instance with a more privileged instance profile and read its credentials",
  },
  {
    id: "passrole-apprunner",
    title: "Pass a role to a new App Runner service",
    steps: [pass("tasks.apprunner.amazonaws.com"), create(["apprunner:CreateService"], "service/*/*")],
    why: "can create an App Runner service whose code runs with a more privileged instance role",
  },
  {
    id: "passrole-cloudformation-stackset",
    title: "Pass a role to a new CloudFormation StackSet",
    steps: [pass("cloudformation.amazonaws.com"), create(["cloudformation:CreateStackSet"], "*"), create(["cloudformation:CreateStackInstances"], "stackset/*:*")],
    why: "can create a StackSet administered by a more privileged role and deploy its stacks",
  },
  {
    id: "cloudformation-update-stackset",
    title: "Change an existing StackSet with another role",
    steps: [pass("cloudformation.amazonaws.com"), takeOver(["cloudformation:UpdateStackSet"], "stackset/*:*")],
    why: "can change an existing StackSet's template and administration role; its stacks are updated with that role",
  },
  {
    id: "passrole-bedrock-code-interpreter",
    title: "Pass a role to a new Bedrock AgentCore code interpreter",
    steps: [
      pass("bedrock-agentcore.amazonaws.com"),
      create(["bedrock-agentcore:CreateCodeInterpreter"], "*"),
      create(["bedrock-agentcore:StartCodeInterpreterSession"], "code-interpreter-custom/*"),
      create(["bedrock-agentcore:InvokeCodeInterpreter"], "code-interpreter-custom/*"),
    ],
    why: "can create a code interpreter with a more privileged execution role and run code in it",
  },
  // Taking over an existing compute resource's role without iam:PassRole (pathfinding.cloud ec2-002,
  // ec2-004, ec2instanceconnect-003, ecs-006, cloudformation-005, sagemaker-004/005, bedrock-002;
  // the methods Cloudsplaining 0.9 lists that this catalogue lacked, docs/comparison.md).
  {
    id: "ec2-modify-user-data",
    title: "Rewrite an instance's user data and restart it",
    steps: [takeOver(["ec2:ModifyInstanceAttribute"], "instance/*"), takeOver(["ec2:StopInstances"], "instance/*"), takeOver(["ec2:StartInstances"], "instance/*")],
    why: "can replace an existing instance's user data, restart it, and run code with its instance profile's role",
  },
  {
    id: "ec2-modify-launch-template",
    title: "New default version of a launch template",
    steps: [takeOver(["ec2:CreateLaunchTemplateVersion"], "launch-template/*"), takeOver(["ec2:ModifyLaunchTemplate"], "launch-template/*")],
    why: "can make instances launched from an existing template (Auto Scaling) run its code with the template's instance profile",
  },
  {
    id: "ec2-instance-connect-ssh",
    title: "Push an SSH key to an instance",
    steps: [takeOver(["ec2-instance-connect:SendSSHPublicKey"], "instance/*", "ec2")],
    why: "can log in to an existing instance and use its instance profile's credentials",
  },
  // Systems Manager runs commands and sessions as root on a managed instance ("Restricting access
  // to root-level commands through SSM Agent", AWS Systems Manager User Guide; PMapper's ssm
  // edges), where the instance profile's credentials are. SendCommand is authorized on the
  // instance and on the document: only AWS's shell documents run any command (AWS Backup's and
  // GuardDuty's policies grant SendCommand on every instance with one fixed document, which is not
  // a path). A session's document is checked only on request (ssm:SessionDocumentAccessCheck), so
  // StartSession is decided on the instance.
  {
    id: "ssm-send-command",
    title: "Run a command on an instance through Systems Manager",
    steps: [takeOver(["ssm:SendCommand"], "instance/*", "ec2"), ownedByAws(["ssm:SendCommand"], ["document/AWS-RunShellScript", "document/AWS-RunPowerShellScript"])],
    why: "can run shell commands as root on an existing instance (AWS-RunShellScript) and use its instance profile's role",
  },
  {
    id: "ssm-start-session",
    title: "Open a Session Manager shell on an instance",
    steps: [takeOver(["ssm:StartSession"], "instance/*", "ec2")],
    why: "can open a root shell on an existing instance and use its instance profile's role",
  },
  // An association runs its document on the instances it targets as Run Command does (State
  // Manager), authorized on the instance and the document: AWS's shell documents run any command.
  {
    id: "ssm-create-association",
    title: "Run a command on an instance through a State Manager association",
    steps: [takeOver(["ssm:CreateAssociation"], "instance/*", "ec2"), ownedByAws(["ssm:CreateAssociation"], ["document/AWS-RunShellScript", "document/AWS-RunPowerShellScript"])],
    why: "can associate AWS-RunShellScript with an existing instance, run shell commands as root there and use its instance profile's role",
  },
  { id: "ecs-execute-command", title: "Shell into a running ECS task", steps: [takeOver(["ecs:ExecuteCommand"], "task/*/*")], why: "can run commands in an existing task and use its task role" },
  // A build's buildspec can be given with the build (StartBuild's buildspecOverride): the caller's
  // commands run with the project's service role.
  {
    id: "codebuild-start-build-override",
    title: "Start a build of an existing CodeBuild project with its own buildspec",
    steps: [takeOver(["codebuild:StartBuild", "codebuild:StartBuildBatch"], "project/*")],
    why: "can start a build of an existing project with a buildspec of its own (buildspecOverride) and run commands with the project's service role",
  },
  {
    id: "apprunner-update-service",
    title: "Change an existing App Runner service's code",
    steps: [takeOver(["apprunner:UpdateService"], "service/*/*")],
    why: "can point an existing App Runner service at its own image or code and run it with the service's instance role",
  },
  {
    id: "cloudformation-execute-change-set",
    title: "Change an existing stack through a change set",
    steps: [takeOver(["cloudformation:CreateChangeSet"], "stack/*/*"), takeOver(["cloudformation:ExecuteChangeSet"], "stack/*/*")],
    why: "can change a stack whose service role is more privileged; CloudFormation applies the change with that role",
  },
  {
    id: "cloudformation-update-stack",
    title: "Update an existing stack",
    steps: [takeOver(["cloudformation:UpdateStack"], "stack/*/*")],
    why: "can change a stack whose service role is more privileged; CloudFormation applies the update with that role",
  },
  {
    id: "sagemaker-presigned-notebook-url",
    title: "Open an existing SageMaker notebook",
    steps: [takeOver(["sagemaker:CreatePresignedNotebookInstanceUrl"], "notebook-instance/*")],
    why: "can open an existing notebook and run code with its execution role",
  },
  {
    id: "sagemaker-notebook-lifecycle-config",
    title: "Lifecycle script on an existing SageMaker notebook",
    steps: [
      takeOver(["sagemaker:CreateNotebookInstanceLifecycleConfig"], "notebook-instance-lifecycle-config/*"),
      takeOver(["sagemaker:StopNotebookInstance"], "notebook-instance/*"),
      takeOver(["sagemaker:UpdateNotebookInstance"], "notebook-instance/*"),
      takeOver(["sagemaker:StartNotebookInstance"], "notebook-instance/*"),
    ],
    why: "can attach a start-up script to an existing notebook and restart it, running code with its execution role",
  },
  {
    id: "bedrock-code-interpreter-session",
    title: "Run code in an existing Bedrock AgentCore code interpreter",
    steps: [takeOver(["bedrock-agentcore:StartCodeInterpreterSession"], "code-interpreter-custom/*"), takeOver(["bedrock-agentcore:InvokeCodeInterpreter"], "code-interpreter-custom/*")],
    why: "can run code in a custom code interpreter and use its execution role",
  },
  { id: "lambda-update-code", title: "Update another function's code", steps: [{ actions: ["lambda:UpdateFunctionCode"], target: "other-function", takesOver: true }], why: "can replace another function's code and run with that function's execution role" },
  { id: "lambda-update-configuration", title: "Update another function's configuration", steps: [{ actions: ["lambda:UpdateFunctionConfiguration"], target: "other-function", takesOver: true }], why: "can add a malicious layer to another function and run with its execution role" },
  // Its own function given another execution role: lambda-update-configuration leaves the
  // principal's own functions out (isSelf: a layer there runs with the role it has already), but
  // UpdateFunctionConfiguration's Role takes a role passed to Lambda (iam:PassRole, "Lambda
  // execution role", AWS Lambda Developer Guide; PMapper's lambda_edges), and the function's next
  // invocation runs with that role, and a layer of the principal's choosing (with
  // AWS_LAMBDA_EXEC_WRAPPER naming a script in it) can be set in the same call. Without
  // iam:PassRole its own function gains it nothing; other functions are
  // lambda-update-configuration's.
  {
    id: "lambda-update-own-function-role",
    title: "Give its own function a more privileged role",
    steps: [pass("lambda.amazonaws.com"), { actions: ["lambda:UpdateFunctionConfiguration"], target: "own-function" }],
    why: "can give its own function a more privileged execution role, which the function's next invocation runs with",
  },
];

/** What the document offers as targets, indexed once per analysis. */
export interface EscalationTargets {
  rolesByAccount: Map<string, Role[]>;
  usersByAccount: Map<string, Principal[]>;
  groupsByAccount: Map<string, Principal[]>;
  functionsByAccount: Map<string, LambdaFunction[]>;
  /** Service principals that may assume each role (lower case): named by an Allow, not taken back by a Deny (serviceMayAssume). */
  trustedServices: Map<string, Set<string>>;
  regionsByAccount: Map<string, string[]>;
  /**
   * How the user's code names each customer managed policy of a template or plan (shownName: its
   * ManagedPolicy.displayName, else its name in a placeholder account), by ARN: a "policy" step's
   * concrete targets.
   */
  policyDisplayNames: Map<string, string>;
  /**
   * Customer managed policies whose versions the document holds (an account export's
   * PolicyVersionList, read with its default version) and that have no version but the default:
   * nothing to roll back to (a step with `rollback`).
   */
  singleVersionPolicies: Set<string>;
  /**
   * Roles of an account that trust a service (`<account> <service>`), in document order; built on
   * first use. Scanning every role of the account for each PassRole step and role was 70 M
   * iterations at 10,000 roles, almost all for services (glue, ec2…) no role trusts.
   */
  passableByAccountService?: Map<string, Role[]>;
  /** Concrete candidates per kind and account (concreteCandidates), built on first use. */
  candidateLists?: Map<string, readonly Candidate[]>;
  /** A candidate list cut by resource signature, per list and set of patterns (partitionOfList). */
  partitions?: Map<string, Candidate[][]>;
  /** The roles by what their trust policies name for sts:AssumeRole (trustIndex), built on first use. */
  trustIndex?: Map<string, Role[]>;
  /** Per account, its functions by execution role (ownFunctions), built on first use. */
  functionsByRole?: Map<string, Map<string, Candidate[]>>;
  /**
   * The policies of a role, IAM user or IAM group of the document, by ARN (analyze.ts sets it): what a step
   * that takes over a target (Step.takesOver) compares with the principal's. Without it every
   * target is kept.
   */
  policiesOf?: (arn: string) => PrincipalPolicies | undefined;
  /** Compares a target's policies with the principal's (holdsNoMore), for this analysis; set with policiesOf. */
  gain?: GainComparer;
  /** A takeover's target by ARN: its policies, null when none or a trust policy names it (gainsNothing), built on use. */
  takeoverTargets?: Map<string, PrincipalPolicies | null>;
  /** The principals the document's trust policies name by ARN, and `assumed-role <account> <role>` for a session they name (trustNamed), built on first use. */
  trustNamed?: Set<string>;
  /** The document's managed policies by ARN: a permissions boundary a new role is pinned to (pinnedBoundaryGain). */
  managedPolicies: CanonicalDocument["policies"];
  /** A pinned boundary as the new role's policies (boundaryCapped), by ARN, built on use. */
  cappedRoles?: Map<string, PrincipalPolicies>;
}

function passableRoles(targets: EscalationTargets, account: string, service: string): Role[] {
  let index = targets.passableByAccountService;
  if (index === undefined) {
    index = new Map();
    for (const [acct, roles] of targets.rolesByAccount) {
      for (const r of roles) {
        for (const svc of targets.trustedServices.get(r.arn) ?? []) {
          const k = `${acct} ${svc}`;
          const list = index.get(k);
          if (list) list.push(r);
          else index.set(k, [r]);
        }
      }
    }
    targets.passableByAccountService = index;
  }
  return index.get(`${account} ${service}`) ?? [];
}

export function indexTargets(document: CanonicalDocument): EscalationTargets {
  const trustedServices = new Map<string, Set<string>>();
  const earliest = instantOf(document.meta.asOf);
  for (const r of document.roles) {
    const named = new Set<string>();
    for (const st of r.trustPolicy?.Statement ?? []) {
      if (st.Effect !== "Allow" || st.Principal === undefined || st.Principal === "*") continue;
      for (const id of st.Principal.Service ?? []) named.add(id.toLowerCase());
    }
    // A role is passable to a service only if the service may assume it: a Deny of the trust
    // policy, or an Allow of sts:TagSession alone, leaves it out of reach of that service.
    trustedServices.set(r.arn, new Set([...named].filter((svc) => serviceMayAssume(r.trustPolicy, svc, earliest))));
  }
  const regions = new Map<string, string[]>();
  for (const a of document.accounts) regions.set(a.accountId, [...a.regions].sort(byString));
  for (const f of document.functions) {
    const list = regions.get(f.accountId) ?? [];
    if (!list.includes(f.region)) list.push(f.region);
    regions.set(f.accountId, list.sort(byString));
  }
  const policyDisplayNames = new Map<string, string>();
  const singleVersionPolicies = new Set<string>();
  for (const [arn, p] of Object.entries(document.policies)) {
    const name = shownName(p);
    if (name !== undefined) policyDisplayNames.set(arn, name);
    if (holdsVersions(p) && p.otherVersions.length === 0) singleVersionPolicies.add(arn);
  }
  return {
    rolesByAccount: groupBy(document.roles, (r) => r.accountId),
    usersByAccount: groupBy(document.principals.filter((p) => p.type === "user"), (p) => p.accountId),
    groupsByAccount: groupBy(document.principals.filter((p) => p.type === "group"), (p) => p.accountId),
    functionsByAccount: groupBy(document.functions, (f) => f.accountId),
    trustedServices,
    regionsByAccount: regions,
    policyDisplayNames,
    singleVersionPolicies,
    managedPolicies: document.policies,
  };
}

/**
 * Whether the document holds every version of a customer managed policy: an account export
 * (get-account-authorization-details' PolicyVersionList, AWS Config's policyVersionList) gives the
 * default version's ID with its document, and the other versions with theirs
 * (src/sources/iam-authorization-details.ts). A template's or plan's policy has no version ID
 * (the deployed policy's history is not in it), nor has one only referenced by an attachment.
 */
function holdsVersions(p: ManagedPolicy): boolean {
  return !p.awsManaged && p.resolution === "input" && p.defaultVersionId !== null;
}

/**
 * How LR014's message names a concrete target: its display name (the code's name), else, in a
 * template's or plan's placeholder account, its name (`arn:aws:iam::unknown-9b80985c:role/FnRole`
 * is `FnRole` to the template's author; the ARN's account is no account of theirs). Undefined for
 * an account export's, which the message names by ARN.
 */
function shownName(entity: { arn: string; name: string; displayName?: string }): string | undefined {
  return entity.displayName ?? (hasPlaceholderAccount(entity.arn) ? entity.name : undefined);
}

/**
 * A representative target (`<any role in 123456789012>`, `<new glue resource in unknown>`) as the
 * message names it: a placeholder account in words (`<any role in the deployment account>`).
 * The label itself stays in the path's resources (the evidence) as it was.
 */
function representative(arn: string, kind: string, account: string): Candidate {
  const label = `<${kind} in ${account}>`;
  return isPlaceholderAccount(account) ? { arn, label, name: `<${kind} in ${accountInWords(account)}>` } : { arn, label };
}

interface Candidate {
  arn: string;
  /** How the target is shown in evidence. */
  label: string;
  /**
   * How LR014's message names the target: a template's or plan's concrete target as the user's code
   * names it (shownName: its `displayName`, construct path, logical ID, Terraform address, else its
   * name), a representative target of a placeholder account in words (representative); absent
   * otherwise (account exports, whose messages name targets by ARN and account ID).
   */
  name?: string;
  /** The ARN's account (accountOf), when known ahead. */
  account?: string | null;
  /** A function's execution role: the step on other functions leaves out the principal's own. */
  ownerRole?: string;
}

/** The trust policy a principal that may rewrite a role's writes: it, by its ARN, may assume the role. */
function rewrittenTrustOf(arn: string): NamedPolicy {
  return { id: "trust:<rewritten by the principal>", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: [arn] }, Action: ["sts:AssumeRole"] }] } };
}

/** The principal itself as a target (a step with `self`), which the candidate lists leave out (isSelf). */
function selfCandidate(self: Role | Principal): Candidate {
  const name = shownName(self);
  return { arn: self.arn, label: self.arn, ...(name ? { name } : {}) };
}

/** The principal itself, or one of its own functions: not a target of its own steps. */
function isSelf(c: Candidate, self: Role | Principal): boolean {
  return c.arn === self.arn || c.ownerRole === self.arn;
}

/**
 * The concrete candidates of one kind in one account (roles, roles passable to a service, users,
 * groups, functions), built once per document: a role's step walks every role of its account,
 * so at 10,000 roles this list is walked ~10⁸ times, and a fresh object (and ARN parse) per
 * element was most of the escalation analysis's time.
 */
type Concrete = { arn: string; name: string; displayName?: string; roleArn?: string };

function concreteCandidates(targets: EscalationTargets, key: string, build: () => readonly Concrete[]): readonly Candidate[] {
  let lists = targets.candidateLists;
  if (lists === undefined) targets.candidateLists = lists = new Map();
  let list = lists.get(key);
  if (list === undefined) {
    list = build().map((t) => {
      const name = shownName(t);
      return { arn: t.arn, label: t.arn, account: accountOf(t.arn), ...(name ? { name } : {}), ...(typeof t.roleArn === "string" ? { ownerRole: t.roleArn } : {}) };
    });
    lists.set(key, list);
  }
  return list;
}

/**
 * An account's functions by their execution role (Candidate.ownerRole), built once per account
 * from its candidate list: an `own-function` step looks up its principal's, where walking the
 * account's functions for each principal was 10⁸ steps at 10,000 functions and roles.
 */
function ownFunctions(targets: EscalationTargets, account: string): Map<string, Candidate[]> {
  let byAccount = targets.functionsByRole;
  if (byAccount === undefined) targets.functionsByRole = byAccount = new Map();
  let byRole = byAccount.get(account);
  if (byRole === undefined) {
    byRole = new Map();
    for (const c of concreteCandidates(targets, `function ${account}`, () => targets.functionsByAccount.get(account) ?? [])) {
      if (c.ownerRole === undefined) continue;
      const list = byRole.get(c.ownerRole);
      if (list === undefined) byRole.set(c.ownerRole, [c]);
      else list.push(c);
    }
    byAccount.set(account, byRole);
  }
  return byRole;
}

/** A list of concrete candidates (self included: the step skips it), yielded whole so that it can be taken by signature. */
interface CandidateList {
  key: string;
  list: readonly Candidate[];
}

function listOf(targets: EscalationTargets, key: string, build: () => readonly Concrete[]): CandidateList {
  return { key, list: concreteCandidates(targets, key, build) };
}

/**
 * Targets of a step, lazily: the representative "any" target comes first, so a grant covering every
 * name stops the enumeration before the (possibly thousands of) concrete targets are even built.
 */
function* candidates(step: Step, action: string, self: Role | Principal, targets: EscalationTargets, selfPolicies: readonly string[]): Generator<Candidate | CandidateList> {
  const account = self.accountId;
  const p = partitionOf(self.arn);
  const any = (type: string): Candidate => representative(`arn:${p}:iam::${account}:${type}/*`, `any ${type}`, account);
  switch (step.target) {
    case "self": {
      yield selfCandidate(self);
      return;
    }
    case "role": {
      if (step.self === true && "trustsLambda" in self) yield selfCandidate(self);
      yield any("role");
      yield listOf(targets, `role ${account}`, () => targets.rolesByAccount.get(account) ?? []);
      return;
    }
    case "passable-role": {
      const svc = (step.service ?? "").toLowerCase();
      yield any("role");
      yield listOf(targets, `passable ${account} ${svc}`, () => passableRoles(targets, account, svc));
      return;
    }
    case "user": {
      // A user's policy on itself (Rhino Security Labs' PutUserPolicy and AttachUserPolicy, whose
      // usual form is `user/${aws:username}`): the list below leaves it out (isSelf), so it is
      // yielded here. Before, it was never a target.
      if (step.self === true && "type" in self && self.type === "user") yield selfCandidate(self);
      yield any("user");
      yield listOf(targets, `user ${account}`, () => targets.usersByAccount.get(account) ?? []);
      return;
    }
    case "group": {
      yield any("group");
      yield listOf(targets, `group ${account}`, () => targets.groupsByAccount.get(account) ?? []);
      return;
    }
    case "policy": {
      yield any("policy");
      for (const arn of selfPolicies) {
        if (isAwsManagedArn(arn) || !arn.startsWith("arn:")) continue;
        if (step.rollback === true && targets.singleVersionPolicies.has(arn)) continue;
        const name = targets.policyDisplayNames.get(arn);
        yield { arn, label: arn, ...(name ? { name } : {}) };
      }
      return;
    }
    case "other-function": {
      const region = (targets.regionsByAccount.get(account) ?? ["us-east-1"])[0] ?? "us-east-1";
      yield representative(`arn:${p}:lambda:${region}:${account}:function:*`, "any function", account);
      // The account's functions, the principal's own among them (isSelf leaves them out): a list,
      // so that it is cut by signature once for every principal with the same patterns. Why: 600
      // deployer roles scoped to a team's functions walked all 10,000 functions each (session 47).
      yield listOf(targets, `function ${account}`, () => targets.functionsByAccount.get(account) ?? []);
      return;
    }
    case "own-function": {
      // The functions whose execution role the principal is (isSelf leaves them out of
      // `other-function`), one by one: a role runs a handful of functions, not the account's.
      yield* ownFunctions(targets, account).get(self.arn) ?? [];
      return;
    }
    case "new-resource": {
      const service = step.resourceService ?? action.split(":")[0] ?? "";
      const region = (targets.regionsByAccount.get(account) ?? [])[0] ?? "us-east-1";
      if (step.awsOwned) {
        for (const owned of step.awsOwned) yield { arn: `arn:${p}:${service}:${region}::${owned}`, label: `<${service} ${owned} (AWS's)>` };
        return;
      }
      const path = step.resources?.[action] ?? step.newResource ?? "*";
      if (path === "*") {
        yield representative("*", `new ${service} resource`, account);
        return;
      }
      if (path.startsWith("iam:")) {
        // `iam:role/*`: any role; `iam:role/sandbox-lr`: the new role a name-limited grant lets it make (newNames).
        const rest = path.slice(4);
        const slash = rest.indexOf("/");
        const kind = rest.endsWith("/*") && slash === rest.length - 2 ? `any ${rest.slice(0, -2)}` : `new ${rest.slice(0, slash)} ${rest.slice(slash + 1)}`;
        yield representative(`arn:${p}:iam::${account}:${rest}`, kind, account);
        return;
      }
      const kind = step.existing ? `any ${service} ${path.split(/[/:]/)[0]}` : `new ${service} resource`;
      yield representative(`arn:${p}:${service}:${region}:${account}:${path}`, kind, account);
      return;
    }
  }
}

/** Whether some Allow statement of the principal's own policies names the action (before any resource or condition). */
function grantsByName(policies: PrincipalPolicies, action: string): boolean {
  return policies.identity.some((p) => p.document.Statement.some((st) => st.Effect === "Allow" && actionApplies(st, action)));
}

/** Whether a decision lets the call through: allowed, or allowed under a condition the inputs cannot settle. */
function permits(r: EvaluationResult): boolean {
  return r.decision === "allowed" || r.decision === "conditional";
}

function unconditionalGrant(policies: PrincipalPolicies, action: string): boolean {
  return policies.identity.some((p) =>
    p.document.Statement.some((st) => st.Effect === "Allow" && (st.Condition === undefined || Object.keys(st.Condition).length === 0) && actionApplies(st, action)),
  );
}

interface StepOutcome {
  ok: boolean;
  conditional: boolean;
  action: string;
  reached: string[];
  /** The display names of the reached targets that have one (Candidate.name), by label. */
  names?: Map<string, string>;
  refs: StatementRef[];
  reason: string;
}

/**
 * A key such that two targets with the same key get the same decision and explanation for this
 * action: the account of the ARN and, for every statement (identity and boundary) that names the
 * action, which of its Resource / NotResource patterns match the ARN. The IAM engine reads the
 * resource only through those matches and the resource's account (conditions read the context,
 * which is the same for every target of a step). Null when a pattern has a policy variable (its
 * match depends on the context too): then every target is evaluated.
 */
interface Signature {
  /** The patterns the signature is made of: equal patterns, equal signatures. */
  patterns: string;
  of: (c: Candidate) => string;
}

function resourceSignature(action: string, policies: PrincipalPolicies): Signature | null {
  const patterns: string[][] = [];
  const docs: NamedPolicy[] = policies.boundary ? [...policies.identity, policies.boundary] : policies.identity;
  for (const p of docs) {
    for (const st of p.document.Statement) {
      if (!actionApplies(st, action)) continue;
      const list = st.Resource ?? st.NotResource;
      if (list === undefined) continue;
      if (list.some((x) => x.includes("${"))) return null;
      patterns.push([...list]);
    }
  }
  return {
    patterns: JSON.stringify(patterns),
    of: (c) => {
      const arn = c.arn;
      let key = (c.account !== undefined ? c.account : accountOf(arn)) ?? "";
      for (const list of patterns) {
        key += "|";
        for (const x of list) key += arnMatches(x, arn) ? "1" : "0";
      }
      return key;
    },
  };
}

/** Past this many cached partitions the cache starts afresh (policies all different: no reuse). */
const MAX_PARTITIONS = 4096;

/**
 * A candidate list cut into groups of equal signature, in order of first appearance, each in list
 * order. Why: every target of a group gets the same decision, and roles sharing their policies
 * (a managed policy, one template) share the patterns, so the cut is made once for all of them. At
 * 10,000 roles the passable-role steps walked 4 M candidates to compute 22,000 distinct signatures.
 */
function partitionOfList(targets: EscalationTargets, list: CandidateList, signature: Signature): Candidate[][] {
  let cache = targets.partitions;
  if (cache === undefined || cache.size >= MAX_PARTITIONS) targets.partitions = cache = new Map();
  const key = `${list.key}\u0000${signature.patterns}`;
  let groups = cache.get(key);
  if (groups === undefined) {
    const byKey = new Map<string, Candidate[]>();
    for (const c of list.list) {
      const k = signature.of(c);
      const g = byKey.get(k);
      if (g === undefined) byKey.set(k, [c]);
      else g.push(c);
    }
    groups = [...byKey.values()];
    cache.set(key, groups);
  }
  return groups;
}

function evaluateStep(step: Step, self: Role | Principal, policies: PrincipalPolicies, targets: EscalationTargets, selfPolicies: readonly string[]): StepOutcome {
  if (step.ownBoundary !== undefined) return ownBoundaryStep(step.ownBoundary, self, policies);
  let reason = "";
  let firstAction = step.actions[0] ?? "";
  const noGainTargets: string[] = [];
  // A trust policy the principal writes grants the step itself (rewrittenTrust): no identity grant needed.
  const rewritten = step.rewrittenTrust === true ? rewrittenTrustOf(self.arn) : null;
  const grantable = rewritten !== null ? step.actions : step.actions.filter((a) => grantsByName(policies, a));
  if (grantable.length === 0) return { ok: false, conditional: false, action: firstAction, reached: [], refs: [], reason: "no statement grants it" };
  for (const action of grantable) {
    firstAction = action;
    const reached: string[] = [];
    // Made only when a target has a display name: none has in an account export (10,000 roles).
    let names: Map<string, string> | undefined;
    /** A target the step reaches: its label, and its display name when it has one. */
    const reach = (c: Candidate): void => {
      reached.push(c.label);
      if (c.name !== undefined) (names ??= new Map()).set(c.label, c.name);
    };
    const refs: StatementRef[] = [];
    let allConditional = true;
    // Concrete targets the step reaches that hold no permission the principal lacks (takesOver).
    const gainless: string[] = [];
    const noGain = step.takesOver === true ? (c: Candidate) => gainsNothing(c, self, policies, targets) : null;
    // Thousands of concrete targets (every role that trusts Lambda, every function) usually fall
    // into a handful of signatures: one evaluation each (the 10,000-role account: 12 M evaluations
    // for roles whose PassRole is conditioned on another service).
    // A new or "any existing" resource is one or two candidates, each decided once: no signature.
    const signature = step.target === "new-resource" ? null : resourceSignature(action, policies);
    const decided = new Map<string, EvaluationResult>();
    const extra: Record<string, string> = step.service ? { "iam:PassedToService": step.service } : {};
    const context = principalContext(self.arn, extra);
    const decide = (c: Candidate): EvaluationResult => {
      const key = signature?.of(c);
      let r = key === undefined ? undefined : decided.get(key);
      if (r === undefined) {
        r = evaluateRequest({
          identityPolicies: policies.identity,
          permissionsBoundary: policies.boundary,
          ...(rewritten !== null ? { resourcePolicy: rewritten } : {}),
          request: { action, resource: c.arn, principalArn: self.arn, context, ...timeOf(policies.earliestTime) },
        });
        if (key !== undefined) decided.set(key, r);
      }
      return r;
    };
    // Records a decision (for one target, or a group of targets with one signature): its statements,
    // or the first denial's reason. True when it reaches the target(s); the caller lists them.
    const record = (r: EvaluationResult): boolean => {
      if (permits(r)) {
        // The principal's own statements: the trust policy it would write is no policy of the inputs.
        refs.push(...(rewritten === null ? r.explanation.statements : r.explanation.statements.filter((x) => x.policy !== rewritten.id)));
        if (r.decision === "allowed") allConditional = false;
        return true;
      }
      if (reason === "") reason = r.explanation.summary;
      return false;
    };
    for (const c of candidates(step, action, self, targets, selfPolicies)) {
      if (!("list" in c)) {
        const r = decide(c);
        if (!record(r)) continue;
        reach(c);
        // A grant on the "any" target covers every concrete one: stop enumerating (keeps this linear).
        // A conditional one does too when every granting statement is conditional: no concrete
        // target can then be allowed outright.
        if (c.label.startsWith("<any") && (r.decision === "allowed" || !unconditionalGrant(policies, action))) break;
        continue;
      }
      // The gain (noGain) is weighed only for a target the step reaches: most are refused, and
      // weighing each of them cost the account with 5,000 other principals ~1 s.
      if (signature === null) {
        for (const x of c.list) {
          if (isSelf(x, self)) continue;
          const r = decide(x);
          if (!permits(r)) record(r);
          else if (noGain?.(x) === true) gainless.push(x.label);
          else if (record(r)) reach(x);
        }
        continue;
      }
      // One decision per group (any member stands for all: the same signature); the first denied
      // group's reason is the first denied target's, as walking the list gives. A group whose every
      // target gains nothing records no decision (its statements are no path's). A refused group is
      // not walked past its representative (groups of thousands of roles).
      for (const group of partitionOfList(targets, c, signature)) {
        const representative = group.find((x) => !isSelf(x, self));
        if (representative === undefined) continue; // self alone
        const r = decide(representative);
        if (!permits(r)) {
          record(r);
          continue;
        }
        if (noGain === null) {
          if (record(r)) for (const x of group) if (!isSelf(x, self)) reach(x);
          continue;
        }
        const gaining: Candidate[] = [];
        for (const x of group) {
          if (isSelf(x, self)) continue;
          if (noGain(x)) gainless.push(x.label);
          else gaining.push(x);
        }
        if (gaining.length > 0 && record(r)) for (const x of gaining) reach(x);
      }
    }
    if (reached.length > 0) return { ok: true, conditional: allConditional, action, reached: reached.sort(byString), ...(names ? { names } : {}), refs, reason: "" };
    for (const g of gainless) if (!noGainTargets.includes(g)) noGainTargets.push(g);
  }
  return { ok: false, conditional: false, action: firstAction, reached: [], refs: [], reason: noRollback(step, self, policies, targets, selfPolicies) ?? nothingToGain(noGainTargets, self) ?? (reason || "not allowed on any target") };
}

/**
 * The names (`iam:role/<name>`) a principal may give a new IAM resource of a type by its grants of
 * `action` (iam:CreateRole): each Resource pattern of an Allow statement naming the action that is
 * an ARN of that type in its account (or any account) and not every name (`role/*` is the
 * representative), its wildcards filled in (`role/sandbox-*` → `role/sandbox-lr`), in order, at
 * most five. A pattern with a policy variable is left out (its value is the principal's, not a
 * name of its choosing).
 */
function newNames(type: string, action: string, self: Role | Principal, policies: PrincipalPolicies): string[] {
  const names = new Set<string>();
  for (const p of policies.identity) {
    for (const st of p.document.Statement) {
      if (st.Effect !== "Allow" || st.Resource === undefined || !actionApplies(st, action)) continue;
      for (const pattern of st.Resource) {
        const m = /^arn:[^:]+:iam::([^:]*):(.+)$/.exec(pattern);
        if (m === null || pattern.includes("${")) continue;
        const [, account, resource] = m as unknown as [string, string, string];
        if (account !== self.accountId && !/^[*?]+$/.test(account)) continue;
        if (!resource.startsWith(`${type}/`) || resource === `${type}/*`) continue;
        names.add(`iam:${resource.replace(/\*/g, "lr").replace(/\?/g, "x")}`);
      }
    }
  }
  return [...names].sort(byString).slice(0, 5);
}

/**
 * Whether a concrete target of a step that takes it over (Step.takesOver) gives the principal
 * nothing it lacks: the role, user or group whose permissions the path gains (a function's: its
 * execution role) holds no permission the principal's policies do not already grant (holdsNoMore). Never for
 * a representative "any X" target, one the document has no policies for, nor one some trust policy
 * names by ARN or session (it may assume a role the principal may not: a gain its own policies do
 * not show).
 */
function gainsNothing(c: Candidate, self: Role | Principal, policies: PrincipalPolicies, targets: EscalationTargets): boolean {
  if (targets.policiesOf === undefined || targets.gain === undefined || c.label.startsWith("<")) return false;
  const arn = c.ownerRole ?? c.arn;
  if (arn === self.arn) return true;
  // What is known of the target, once per target (not per principal and target: 10⁷ pairs at
  // 3,000 roles each allowed to pass the others); holdsNoMore compares statements it has seen once.
  let byArn = targets.takeoverTargets;
  if (byArn === undefined) targets.takeoverTargets = byArn = new Map();
  let theirs = byArn.get(arn);
  if (theirs === undefined) {
    const p = targets.policiesOf(arn);
    theirs = p === undefined || namedByTrust(targets, arn) ? null : p;
    byArn.set(arn, theirs);
  }
  return theirs !== null && targets.gain.holdsNoMore(theirs, policies);
}

/** `assumed-role <account> <role name>`: how trustNamed keys a role's sessions. */
const sessionKey = (account: string, name: string) => `assumed-role ${account} ${name}`;

/** Whether some trust policy of the document names the principal (a role or user ARN), or a session of the role, for sts:AssumeRole. */
function namedByTrust(targets: EscalationTargets, arn: string): boolean {
  let named = targets.trustNamed;
  if (named === undefined) {
    named = new Set();
    for (const roles of targets.rolesByAccount.values()) {
      for (const r of roles) {
        for (const st of trustOf(r)?.Statement ?? []) {
          if (st.Effect !== "Allow" || st.Principal === undefined || st.Principal === "*") continue;
          for (const id of st.Principal.AWS ?? []) {
            named.add(id);
            const session = /^arn:[^:]+:sts::([^:]+):assumed-role\/([^/]+)\//.exec(id);
            if (session) named.add(sessionKey(session[1]!, session[2]!));
          }
        }
      }
    }
    targets.trustNamed = named;
  }
  return named.has(arn) || named.has(sessionKey(accountOf(arn) ?? "", arn.slice(arn.lastIndexOf("/") + 1)));
}

/** Why a step that takes over its targets reaches none: every one it may reach gains nothing (gainsNothing). Null when none did. */
function nothingToGain(labels: readonly string[], self: Role | Principal): string | null {
  if (labels.length === 0) return null;
  const sorted = [...labels].sort(byString);
  const shown = sorted.slice(0, 3).join(", ") + (sorted.length > 3 ? ` and ${sorted.length - 3} more` : "");
  return `${shown} ${sorted.length === 1 ? "holds" : "hold"} no permission ${self.name} lacks: nothing to gain`;
}

/**
 * A broader boundary a Put would name, tried in order: AWS's AdministratorAccess (in every account,
 * and it allows every action: the cap gone), then "any policy of the account" (a literal `*` name,
 * as the representative targets: only a condition covering every name of the account's policies
 * lets it in). A grant conditioned on `iam:PermissionsBoundary` being the boundary the principal
 * has, or one policy of a set AWS's examples pin, matches neither: no path.
 */
function broaderBoundaries(self: Role | Principal): string[] {
  const p = partitionOf(self.arn);
  return [`arn:${p}:iam::aws:policy/AdministratorAccess`, `arn:${p}:iam::${self.accountId}:policy/*`];
}

/**
 * The step of a boundary method (Step.ownBoundary) on the principal itself: its own kind's action
 * (a role's or a user's), decided by the engine with its identity policies and boundary (the call
 * is capped by the boundary it would remove), `iam:PermissionsBoundary` set as the request would
 * carry it: the boundary attached (Delete), or a broader one (Put, broaderBoundaries; the first
 * allowed wins).
 */
function ownBoundaryStep(own: NonNullable<Step["ownBoundary"]>, self: Role | Principal, policies: PrincipalPolicies): StepOutcome {
  const action = "type" in self && self.type === "user" ? own.user : own.role;
  if (!grantsByName(policies, action)) {
    return { ok: false, conditional: false, action, reached: [], refs: [], reason: "no statement grants it" };
  }
  const target = selfCandidate(self);
  const values = own.boundary === "current" ? [self.permissionsBoundaryArn ?? ""] : broaderBoundaries(self);
  let reason = "";
  for (const value of values) {
    const r = evaluateRequest({
      identityPolicies: policies.identity,
      permissionsBoundary: policies.boundary,
      request: { action, resource: self.arn, principalArn: self.arn, context: principalContext(self.arn, { "iam:PermissionsBoundary": value }), ...timeOf(policies.earliestTime) },
    });
    if (permits(r)) {
      return { ok: true, conditional: r.decision === "conditional", action, reached: [target.label], ...(target.name !== undefined ? { names: new Map([[target.label, target.name]]) } : {}), refs: r.explanation.statements, reason: "" };
    }
    if (reason === "") reason = r.explanation.summary;
  }
  return { ok: false, conditional: false, action, reached: [], refs: [], reason };
}

/**
 * What removing the principal's boundary gains: the actions its identity policies allow (less
 * their Deny statements) that they do not allow within the boundary, from the catalog's action
 * sets (allowedActionSet, as the grant analysis applies a boundary). Action by action, whatever
 * the resources and conditions: a boundary that allows an action on other resources than the
 * identity policy, or takes it back with a conditional Deny, counts as allowing it, so the gain is
 * never overstated (a path is never reported for a boundary that caps nothing) but may be missed
 * (no path where only resources or conditions differ). Null without a boundary.
 */
function boundaryGain(policies: PrincipalPolicies, catalog: ActionCatalog): { count: number; sample: string[] } | null {
  if (policies.boundary === null) return null;
  const inline = policies.identity.map((p) => ({ name: p.id, document: p.document }));
  const unbounded = allowedActionSet({ inlinePolicies: inline, managedPolicies: [], permissionsBoundary: null, earliestTime: policies.earliestTime }, catalog);
  const bounded = allowedActionSet({ inlinePolicies: inline, managedPolicies: [], permissionsBoundary: { arn: policies.boundary.id, document: policies.boundary.document }, earliestTime: policies.earliestTime }, catalog);
  const gained = unbounded.andNotInPlace(bounded);
  return { count: gained.count(), sample: catalog.names(gained, 3) };
}

/** The ARN of the new IAM resource a `namesNew` method tries (`iam:role/*`, `iam:role/sandbox-lr`). */
function newRoleArn(self: Role | Principal, name: string): string {
  return `arn:${partitionOf(self.arn)}:iam::${self.accountId}:${name.slice("iam:".length)}`;
}

/** Whether the principal may make the call on `resource` (allowed, or under conditions the inputs do not settle). */
function mayCall(policies: PrincipalPolicies, self: Role | Principal, action: string, resource: string, extra: Record<string, string>, absent?: readonly string[]): boolean {
  return permits(
    evaluateRequest({
      identityPolicies: policies.identity,
      permissionsBoundary: policies.boundary,
      request: { action, resource, principalArn: self.arn, context: principalContext(self.arn, extra), ...(absent ? { absentKeys: absent } : {}), ...timeOf(policies.earliestTime) },
    }),
  );
}

const NO_BOUNDARY: readonly string[] = ["iam:permissionsboundary"];

/**
 * Why a new role (`iam-create-role`, `arn`) gains the principal nothing, or null (it may). AWS's
 * delegation pattern pins iam:CreateRole with an `iam:PermissionsBoundary` condition ("Permissions
 * boundaries for IAM entities", IAM User Guide): the new role's permissions are then at most its
 * boundary's, whatever the principal writes into it. A boundary whose statements hold nothing the
 * principal lacks (holdsNoMore, the new role taken as the boundary's statements within the
 * boundary) makes no path. Fail closed, the path is kept unless all of these are certain:
 * - iam:CreateRole is refused without a boundary and with a broader one (AdministratorAccess, any
 *   policy of the account: broaderBoundaries), so only the values its statements' conditions name
 *   (an Allow's StringEquals, a Deny's StringNotEquals) are left;
 * - each such value the engine lets through is a literal ARN of a policy whose document the inputs
 *   give (a wildcard, a policy variable, an unknown policy: kept), and holds nothing more;
 * - the principal may not take the cap off the new role (iam:DeleteRolePermissionsBoundary, a
 *   broader iam:PutRolePermissionsBoundary) nor rewrite the boundary policy
 *   (iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion on it).
 */
function pinnedBoundaryGain(arn: string | null, self: Role | Principal, policies: PrincipalPolicies, targets: EscalationTargets): string | null {
  if (arn === null || targets.gain === undefined) return null;
  if (mayCall(policies, self, "iam:CreateRole", arn, {}, NO_BOUNDARY)) return null;
  const broader = broaderBoundaries(self);
  if (broader.some((b) => mayCall(policies, self, "iam:CreateRole", arn, { "iam:PermissionsBoundary": b }))) return null;
  const values = new Set<string>();
  for (const p of policies.identity) {
    for (const st of p.document.Statement) {
      // An Allow's condition names the boundaries it lets in; a Deny's (StringNotEquals, AWS's
      // other delegation form) the ones it does not take back.
      if (!actionApplies(st, "iam:CreateRole")) continue;
      for (const keys of Object.values(st.Condition ?? {})) {
        for (const [key, v] of Object.entries(keys)) if (key.toLowerCase() === "iam:permissionsboundary") for (const x of Array.isArray(v) ? v : [v]) values.add(String(x));
      }
    }
  }
  const pinned = [...values].filter((v) => mayCall(policies, self, "iam:CreateRole", arn, { "iam:PermissionsBoundary": v })).sort(byString);
  if (pinned.length === 0) return null;
  for (const v of pinned) {
    const capped = boundaryCapped(v, policies, targets);
    if (capped === null || !targets.gain.holdsNoMore(capped, policies)) return null;
    if (mayCall(policies, self, "iam:DeleteRolePermissionsBoundary", arn, { "iam:PermissionsBoundary": v })) return null;
    if (broader.some((b) => mayCall(policies, self, "iam:PutRolePermissionsBoundary", arn, { "iam:PermissionsBoundary": b }))) return null;
    if (mayCall(policies, self, "iam:CreatePolicyVersion", v, {}) || mayCall(policies, self, "iam:SetDefaultPolicyVersion", v, {})) return null;
  }
  const shown = pinned.length === 1 ? `permissions boundary ${pinned[0]}, which holds` : `permissions boundaries ${pinned.join(", ")}, which hold`;
  return `iam:CreateRole is pinned to ${shown} no permission ${self.name} lacks: nothing to gain`;
}

/**
 * A new role capped by boundary `arn`, at its broadest (the principal writes it anything): the
 * boundary's statements as its identity policy, within the boundary. Null when `arn` is no literal
 * ARN of a policy the inputs give. One per boundary, so that GainComparer caches by it.
 */
function boundaryCapped(arn: string, policies: PrincipalPolicies, targets: EscalationTargets): PrincipalPolicies | null {
  if (!/^arn:[^:*?]+:iam::[^:*?]*:policy\/[^*?]+$/.test(arn) || arn.includes("${")) return null;
  let cache = targets.cappedRoles;
  if (cache === undefined) targets.cappedRoles = cache = new Map();
  let capped = cache.get(arn);
  if (capped === undefined) {
    const doc = targets.managedPolicies[arn]?.document ?? null;
    if (doc === null) return null;
    capped = { identity: [{ id: arn, document: doc, kind: "managed" }], boundary: { id: `boundary:${arn}`, document: doc, kind: "managed" }, incomplete: false, earliestTime: policies.earliestTime };
    cache.set(arn, capped);
  }
  return capped;
}

/**
 * Why a rollback step (`rollback`) reaches nothing when the principal may act on one of its own
 * policies that has no version but the default: said, rather than the representative target's
 * denial, which would read as if no statement allowed it. Null otherwise.
 */
function noRollback(step: Step, self: Role | Principal, policies: PrincipalPolicies, targets: EscalationTargets, selfPolicies: readonly string[]): string | null {
  if (step.rollback !== true) return null;
  for (const arn of selfPolicies) {
    if (!targets.singleVersionPolicies.has(arn)) continue;
    const allowed = step.actions.some((action) => {
      const r = evaluateRequest({ identityPolicies: policies.identity, permissionsBoundary: policies.boundary, request: { action, resource: arn, principalArn: self.arn, context: principalContext(self.arn), ...timeOf(policies.earliestTime) } });
      return permits(r);
    });
    if (allowed) return `${arn} has no version but the default: nothing to roll back to`;
  }
  return null;
}

export interface EscalationResult {
  paths: EscalationPath[];
  blocked: BlockedEscalation[];
}

const METHOD_ACTIONS: readonly string[] = [...new Set(ESCALATION_METHODS.flatMap((m) => m.steps.flatMap((s) => s.actions)))];
const escalationActionsCache = new ContentCache<ReadonlySet<string>>();

/**
 * The escalation methods' actions a statement's Action/NotAction names (whatever its resources and
 * conditions: the cheap pre-filter of escalationPaths). Cached by the action list, which roles
 * repeat with their own resources: matched once per list, not once per role.
 */
function escalationActionsOf(st: PolicyStatement, key: string): ReadonlySet<string> {
  const hit = escalationActionsCache.get(key);
  if (hit !== undefined) return hit;
  return escalationActionsCache.set(key, new Set(METHOD_ACTIONS.filter((a) => actionApplies(st, a))));
}

/** The escalation paths of one role or IAM user (`catalog`: what removing its boundary gains, boundaryGain). */
export function escalationPaths(self: Role | Principal, policies: PrincipalPolicies, targets: EscalationTargets, catalog: ActionCatalog): EscalationResult {
  const paths: EscalationPath[] = [];
  const blocked: BlockedEscalation[] = [];
  // The managed policies it is granted by: attached to it, and a user's through its groups (a new
  // version of a group's policy grants it to the user as well; it was left out).
  const selfPolicies = [...new Set([...self.attachedPolicies.map((a) => a.arn), ...policies.identity.filter((p) => p.kind === "managed" || (p.kind === undefined && p.id.startsWith("arn:"))).map((p) => p.id)])];
  // The methods' actions some Allow statement names, per distinct action list (escalationActionsOf).
  const lists: ReadonlySet<string>[] = [];
  const seen = new Set<string>();
  for (const p of policies.identity) {
    for (const st of p.document.Statement) {
      if (st.Effect !== "Allow") continue;
      const key = actionKeyOf(st);
      if (seen.has(key)) continue;
      seen.add(key);
      const named = escalationActionsOf(st, key);
      if (named.size > 0) lists.push(named);
    }
  }
  // Does some Allow statement name one of the step's actions? Loops, not `some` callbacks: a
  // closure per action and list was 105 MB of the calling thread's allocation at 10,000 functions
  // (results/scale.md, "Session 54").
  const stepNamed = (step: { actions: readonly string[]; rewrittenTrust?: true }): boolean => {
    if (step.rewrittenTrust === true) return true;
    for (const a of step.actions) for (const l of lists) if (l.has(a)) return true;
    return false;
  };
  // Computed once, for the first boundary method whose step is allowed.
  let gain: ReturnType<typeof boundaryGain> | undefined;
  for (const m of ESCALATION_METHODS) {
    // No boundary, nothing to remove: neither a path nor a candidate (most principals have none).
    if (m.liftsBoundary === true && policies.boundary === null) continue;
    // Cheap pre-filter: a method none of whose steps any Allow statement names cannot be a path.
    // It is a blocked candidate only when a step the principal's own statements must grant is
    // named: an assume step after a trust policy it writes (rewrittenTrust) needs no grant, and
    // counting it made iam-update-assume-role-policy and iam-create-role blocked for everyone.
    if (!m.steps.every(stepNamed)) {
      if (m.steps.some((s) => s.rewrittenTrust !== true && stepNamed(s))) {
        const missing = m.steps.find((s) => !stepNamed(s));
        blocked.push({ id: m.id, action: missing?.actions.join(" | ") ?? "", reason: "no statement grants it" });
      }
      continue;
    }
    let outcomes: StepOutcome[] = [];
    let failed: StepOutcome | null = null;
    // The representative new resource first; then, for a method that names one (namesNew), each
    // name its grant allows. The first whose steps all pass is the path; the representative's
    // failure is the blocked reason.
    const any = m.namesNew === undefined ? null : `iam:${m.namesNew}/*`;
    for (const name of any === null ? [null] : [any, ...newNames(m.namesNew!, m.steps[0]!.actions[0]!, self, policies)]) {
      const tried: StepOutcome[] = [];
      let stop: StepOutcome | null = null;
      for (const s of m.steps) {
        const o = evaluateStep(name !== null && s.newResource === any ? { ...s, newResource: name } : s, self, policies, targets, selfPolicies);
        if (!o.ok) {
          stop = o;
          break;
        }
        tried.push(o);
      }
      // A new role whose iam:CreateRole is pinned to a boundary that holds nothing more gains
      // nothing: the next name (another grant may leave it unpinned), else the blocked reason.
      const capped = stop === null && m.namesNew === "role" ? pinnedBoundaryGain(name === null ? null : newRoleArn(self, name), self, policies, targets) : null;
      if (capped !== null) stop = { ...tried[0]!, ok: false, reason: capped };
      if (stop === null) {
        outcomes = tried;
        failed = null;
        break;
      }
      failed ??= stop;
    }
    if (failed) {
      blocked.push({ id: m.id, action: failed.action, reason: failed.reason });
      continue;
    }
    // A boundary method is a gain only when the boundary takes something from the identity
    // policies' grants: the `why` names a few of the actions the principal would gain.
    let gained = "";
    if (m.liftsBoundary === true) {
      gain ??= boundaryGain(policies, catalog);
      if (gain === null || gain.count === 0) {
        blocked.push({ id: m.id, action: outcomes[0]?.action ?? "", reason: "its permissions boundary allows every action its identity policies grant: nothing to gain" });
        continue;
      }
      gained = ` (${gain.count === 1 ? "1 action" : `${gain.count} actions`} beyond its boundary: ${gain.sample.join(", ")}${gain.count > gain.sample.length ? ", …" : ""})`;
    }
    const statements: StatementPointer[] = pointers(outcomes.flatMap((o) => o.refs));
    // A step on the roles an earlier step rewrites (rewrittenTrust) reaches those roles, not more: its
    // own targets ("any role" its trust would let in) are not the path's.
    const resources = [...new Set(outcomes.flatMap((o, i) => (m.steps[i]?.rewrittenTrust === true ? [] : o.reached)))].sort(byString).slice(0, 20);
    const conditional = outcomes.some((o) => o.conditional);
    const displayNames = resourceDisplayNames(resources, outcomes);
    paths.push({
      id: m.id,
      title: m.title,
      actions: outcomes.map((o) => o.action),
      resources,
      ...(displayNames ? { resourceDisplayNames: displayNames } : {}),
      statements,
      conditional,
      why: `${self.name} ${m.why}${gained}${conditional ? " (only under conditions the inputs do not settle)" : ""}`,
    });
  }
  return { paths, blocked: blocked.sort((a, b) => byString(a.id, b.id)) };
}

/**
 * The display names of a path's listed resources that have one, by resource (the ARN the path
 * lists): a template's or plan's role, user, group, function or policy as its code names it, so
 * that LR014's message names the targets as it names the principal (in the order of those names:
 * privilege_escalation.rego resource_names). The list and its order stay the ARNs' (evidence and
 * fingerprints do not change). Undefined when none has one.
 */
function resourceDisplayNames(resources: readonly string[], outcomes: readonly StepOutcome[]): { [resource: string]: string } | undefined {
  let out: { [resource: string]: string } | undefined;
  for (const r of resources) {
    for (const o of outcomes) {
      const name = o.names?.get(r);
      if (name === undefined) continue;
      (out ??= {})[r] = name;
      break;
    }
  }
  return out;
}

export { accountOf };

/**
 * What makes a role worth assuming (`sts-assume-role`): it is administrator, or it has
 * privilege-escalation paths of its own. Both mean the caller becomes able to do anything, which
 * is LR014's "critical". A role that only grants other actions (a read role another account
 * offers, a deployment role for one stack) is a delegation someone wrote on both sides, not a way
 * to become administrator, and is left out.
 */
export interface RolePrivilege {
  /** "AdministratorAccess" / "inline policy admin": the policy that allows every action on every resource; null when none does unconditionally. */
  administrator: string | null;
  /** The role's own escalation paths, from the first pass (without sts-assume-role: no cycles). */
  paths: readonly EscalationPath[];
}

export const ASSUME_ROLE_METHOD = {
  id: "sts-assume-role",
  title: "Assume a more privileged role",
  /** Listed right after this method (analyze.ts orders the paths as the catalogue does). */
  after: "sts-assume-any-role",
} as const;

/**
 * The policy that makes a principal administrator: an Allow of every action (`*`, `*:*`) on every
 * resource without conditions, where no Deny statement can take part of it back and the
 * permissions boundary, if any, allows the same. Null otherwise (such a role may still have
 * escalation paths, which RolePrivilege.paths says).
 */
export function administratorPolicy(policies: PrincipalPolicies): string | null {
  const everything = (st: PolicyStatement) =>
    st.Effect === "Allow" && (st.Action ?? []).some((a) => a === "*" || a === "*:*") && (st.Resource ?? []).includes("*") && (st.Condition === undefined || Object.keys(st.Condition).length === 0);
  if (policies.identity.some((p) => p.document.Statement.some((st) => st.Effect === "Deny"))) return null;
  if (policies.boundary !== null && !policies.boundary.document.Statement.some(everything)) return null;
  if (policies.boundary?.document.Statement.some((st) => st.Effect === "Deny")) return null;
  const granting = policies.identity.find((p) => p.document.Statement.some(everything));
  if (granting === undefined) return null;
  return granting.id.startsWith("inline:") ? `inline policy ${granting.id.slice("inline:".length)}` : granting.id.slice(granting.id.lastIndexOf("/") + 1);
}

/**
 * Trust-index key of a principal a trust policy names for sts:AssumeRole: `*` (anyone), the account
 * (`account:<id>`, from `arn:<p>:iam::<id>:root` or the 12-digit ID: "The account ARN and the
 * shortened account ID behave the same way", IAM User Guide, "AWS JSON policy elements:
 * Principal"), else the ARN as written (a role, user or role session).
 */
function trustKey(id: string): string {
  if (id === "*") return "*";
  if (/^\d{12}$/.test(id)) return `account:${id}`;
  const root = /^arn:[^:]+:iam::([^:/]+):root$/.exec(id);
  return root ? `account:${root[1]}` : id;
}

/**
 * The roles of the document by what their trust policies name for sts:AssumeRole (trustKey), built
 * once: the roles a principal may assume are looked up by its ARN, its sessions' ARNs and its
 * account, not found by walking every role for every principal (10,000 roles). The index only
 * proposes; the IAM engine decides each with the trust policy (its conditions and Deny statements).
 */
function trustIndex(targets: EscalationTargets, roles: readonly Role[]): Map<string, Role[]> {
  if (targets.trustIndex !== undefined) return targets.trustIndex;
  const index = new Map<string, Role[]>();
  for (const r of roles) {
    const keys = new Set<string>();
    for (const st of trustOf(r)?.Statement ?? []) {
      if (st.Effect !== "Allow" || st.Principal === undefined || !actionApplies(st, "sts:AssumeRole")) continue;
      if (st.Principal === "*") keys.add("*");
      else for (const id of st.Principal.AWS ?? []) keys.add(trustKey(id));
    }
    for (const k of keys) {
      const list = index.get(k);
      if (list) list.push(r);
      else index.set(k, [r]);
    }
  }
  targets.trustIndex = index;
  return index;
}

const resolvedTrust = new WeakMap<Role, PolicyDocument | null>();

/**
 * A role's trust policy with the template's own-account placeholders resolved: in a
 * CloudFormation template `arn:${AWS::Partition}:iam::${AWS::AccountId}:root` (what the CDK writes
 * for an AccountRootPrincipal of an environment-agnostic stack) is the account the role is made in,
 * which the role's ARN gives (a placeholder account when the template names none). Otherwise the
 * trust policy as it is.
 */
function trustOf(role: Role): PolicyDocument | null {
  const trust = role.trustPolicy;
  if (trust === null || !JSON.stringify(trust).includes("${AWS::")) return trust;
  let hit = resolvedTrust.get(role);
  if (hit === undefined) {
    const text = JSON.stringify(trust).replaceAll("${AWS::AccountId}", role.accountId).replaceAll("${AWS::Partition}", partitionOf(role.arn));
    resolvedTrust.set(role, (hit = JSON.parse(text) as PolicyDocument));
  }
  return hit;
}

/**
 * The session ARNs a role's own calls are made with when a function runs with it: Lambda names the
 * session after the function (`arn:aws:sts::<acct>:assumed-role/<role>/<function>`, the caller
 * CloudTrail records: src/usage/attribution.ts). A trust policy may name one of them.
 */
function sessionArns(self: Role | Principal): string[] {
  if (!("trustsLambda" in self)) return [];
  const p = partitionOf(self.arn);
  return self.functions.map((f) => `arn:${p}:sts::${self.accountId}:assumed-role/${self.name}/${f.slice(f.lastIndexOf(":") + 1)}`);
}

/**
 * The most roles a chain assumes one after the other (A → R1 → … → R5, R5 more privileged): STS
 * lets a role session assume another role ("role chaining", IAM User Guide; the chained session
 * lasts at most an hour, which does not stop an escalation), so a role B with no path of its own
 * that may assume an administrator role C makes every role that may assume B able to become
 * administrator too. The bound keeps the walk and the message short; longer chains are not reported
 * (docs/rules/LR014-privilege-escalation.md).
 */
export const MAX_ASSUMED_ROLES = 5;

/** One sts:AssumeRole call as the IAM engine decides it: the caller's policies, the role's trust policy. */
type Hop =
  | { allowed: true; conditional: boolean; basis: string; refs: StatementRef[] }
  | { allowed: false; denial: string | null };

/**
 * Why a role is more privileged: itself (`chain` empty: it is administrator or has escalation
 * paths of its own, RolePrivilege), or by the roles it may assume one after the other (`chain`:
 * each with what of its trust policy lets the previous one in), the last privileged itself. Made
 * once and never changed, so a caller's chain is the one it was decided with.
 */
interface Reach {
  conditional: boolean;
  chain: readonly { role: Role; basis: string }[];
  /** What makes the chain's last role (or the role itself) more privileged: `is administrator (…)` / `has … of its own (…)`. */
  own: string;
}

/**
 * `sts-assume-role` for every role and IAM user of a document, its chains decided to a fixpoint over
 * the trust index: first the roles privileged themselves (administrator or with first-pass paths),
 * then, round after round (at most MAX_ASSUMED_ROLES - 1), the roles that may assume one reached in
 * the round before. Each round is decided from the one before (not from the roles seen so far in
 * it), so the result does not depend on the order of the roles; a role is reached again only by a
 * better chain (unconditional where it had a conditional one), so the rounds stop; a chain through
 * the caller itself (A → B → A, a role trusting itself) is not one. Only the edges the trust index
 * proposes are looked at, and each is decided once (the engine's calls), so the cost is the
 * candidates', not every pair of roles.
 */
export class AssumeRoleChains {
  private readonly reach = new Map<string, Reach>();
  private readonly hops = new Map<string, Hop>();
  /** How many pairs went to the IAM engine (each at most once): the cost, for tests. */
  decided = 0;
  /** Whether some trust policy names an assumed-role session (else no caller's sessions are looked up). */
  private readonly sessionKeys: boolean;

  constructor(
    private readonly targets: EscalationTargets,
    private readonly roles: readonly Role[],
    policiesFor: (p: Role | Principal) => PrincipalPolicies,
    privilegeOf: (role: Role) => RolePrivilege,
  ) {
    const index = trustIndex(targets, roles);
    this.sessionKeys = false;
    const named = new Set<Role>();
    for (const [key, list] of index) {
      if (key.includes(":assumed-role/")) this.sessionKeys = true;
      for (const r of list) named.add(r);
    }
    // Only a role some trust policy names (an entry of the trust index) can be assumed, so only
    // such roles' reach is ever read (as the next hop of a chain, or by pathOf): the walk is over
    // them alone, not every role of the account (10,000 roles, few of them assumable by another).
    const assumable = roles.filter((r) => named.has(r));
    let frontier = new Set<string>();
    for (const r of assumable) {
      const p = privilegeOf(r);
      if (p.administrator === null && p.paths.length === 0) continue;
      this.reach.set(r.arn, { conditional: p.administrator === null && p.paths.every((x) => x.conditional), chain: [], own: ownPrivilege(p) });
      frontier.add(r.arn);
    }
    // The roles that may make a hop (an administrator has nothing to gain). Their candidates are
    // looked up again each round rather than kept: at 10,000 roles each allowed to assume 50 roles
    // that trust the account, keeping them would hold 500,000 entries for the whole analysis.
    const callers = assumable.filter((r) => privilegeOf(r).administrator === null);
    for (let round = 1; round < MAX_ASSUMED_ROLES && frontier.size > 0; round++) {
      const next = new Map<string, Reach>();
      for (const role of callers) {
        const had = this.reach.get(role.arn);
        if (had !== undefined && !had.conditional) continue;
        const policies = policiesFor(role);
        const candidates = this.candidatesOf(role, policies);
        let best: Reach | undefined;
        for (const [arn, c] of candidates) {
          if (!frontier.has(arn)) continue;
          const via = this.reach.get(arn)!;
          if (via.chain.some((x) => x.role.arn === role.arn)) continue;
          const hop = this.hop(role, policies, c);
          if (!hop.allowed) continue;
          const r: Reach = { conditional: hop.conditional || via.conditional, chain: [{ role: c.role, basis: hop.basis }, ...via.chain], own: via.own };
          if (best === undefined || better(r, best)) best = r;
        }
        if (best !== undefined && (had === undefined || better(best, had))) next.set(role.arn, best);
      }
      for (const [arn, r] of next) this.reach.set(arn, r);
      frontier = new Set(next.keys());
    }
  }

  /**
   * The principal's `sts-assume-role` path: the roles of the document it may assume that are more
   * privileged (themselves or by a chain of at most MAX_ASSUMED_ROLES roles, none of them the
   * principal), as the IAM engine decides sts:AssumeRole on each with the role's trust policy as
   * resource policy (the caller's identity policies and boundary, their Deny statements and
   * conditions; the trust policy's principals, conditions and Deny statements; same or other
   * account), and each further hop with that role's policies. A principal that is administrator
   * itself has no role more privileged to assume.
   */
  pathOf(self: Role | Principal, policies: PrincipalPolicies): { path: EscalationPath | null; blocked: BlockedEscalation | null } {
    const none = { path: null, blocked: null };
    const candidates = this.candidatesOf(self, policies);
    if (candidates.size === 0) return none;
    if (administratorPolicy(policies) !== null) return none;
    interface Reached {
      role: Role;
      conditional: boolean;
      reason: string;
      refs: StatementRef[];
      /** The roles assumed one after the other, `role` first (EscalationPath.chains). */
      chain: string[];
    }
    const reached: Reached[] = [];
    let denial = "";
    for (const arn of [...candidates.keys()].sort(byString)) {
      const c = candidates.get(arn)!;
      const via = this.reach.get(arn);
      if (via === undefined || via.chain.some((x) => x.role.arn === self.arn)) continue;
      const hop = this.hop(self, policies, c);
      if (!hop.allowed) {
        if (denial === "" && hop.denial !== null) denial = hop.denial;
        continue;
      }
      // `<role>, <basis> and [can assume <role>, <basis> and …] <why the last is more privileged>`.
      const steps = [{ role: c.role, basis: hop.basis }, ...via.chain].map((x) => `${nameOf(x.role)}, ${x.basis} and `).join("can assume ");
      const chain = via.chain.length > 0 ? ` (chain ${[self, c.role, ...via.chain.map((x) => x.role)].map(nameOf).join(" → ")})` : "";
      reached.push({ role: c.role, conditional: hop.conditional || via.conditional, reason: `${steps}${via.own}${chain}`, refs: hop.refs, chain: [c.role.arn, ...via.chain.map((x) => x.role.arn)] });
    }
    if (reached.length === 0) return { path: null, blocked: denial === "" ? null : { id: ASSUME_ROLE_METHOD.id, action: "sts:AssumeRole", reason: denial } };
    const conditional = reached.every((x) => x.conditional);
    const resources = reached.map((x) => x.role.arn).slice(0, 20);
    let names: { [resource: string]: string } | undefined;
    for (const x of reached.slice(0, 20)) {
      const n = shownName(x.role);
      if (n !== undefined) (names ??= {})[x.role.arn] = n;
    }
    const reasons = reached.slice(0, 3).map((x) => x.reason);
    const more = reached.length > 3 ? `; and ${reached.length - 3} more` : "";
    return {
      path: {
        id: ASSUME_ROLE_METHOD.id,
        title: ASSUME_ROLE_METHOD.title,
        actions: ["sts:AssumeRole"],
        resources,
        ...(names ? { resourceDisplayNames: names } : {}),
        // The chain each resource was decided with (the walk's own, not walked again), in `resources`' order.
        chains: reached.slice(0, 20).map((x) => x.chain),
        statements: pointers(reached.flatMap((x) => x.refs)),
        conditional,
        // `<name> can assume <reasons>`: LR014's message says the reasons (privilege_escalation.rego).
        why: `${self.name} can assume ${reasons.join("; ")}${more}${conditional ? " (only under conditions the inputs do not settle)" : ""}`,
      },
      blocked: null,
    };
  }

  /**
   * The roles the principal's trust-index keys propose (by ARN), each with the principals to
   * evaluate it as (the role itself, or the session its trust names) and what of the trust policy
   * names it (said in `why`), in the order proposed: roles whose trust names the principal, one of
   * its sessions, `*`, or (when some Allow statement of the principal names sts:AssumeRole, without
   * which a delegation to the account lets it in nowhere) its account. Never the principal itself.
   */
  private candidatesOf(self: Role | Principal, policies: PrincipalPolicies): AssumeCandidates {
    const index = trustIndex(this.targets, this.roles);
    const candidates: AssumeCandidates = new Map();
    // Looked up for every role and IAM user once per round and again for its path, and most are
    // named by no trust policy: each key is tried before its `basis` text is made, the sessions'
    // ARNs are made only when some trust policy names a session, and the caller's statements are
    // searched for sts:AssumeRole only when a trust policy delegates to its account.
    const propose = (key: string, principal: string, basis: () => string) => {
      const roles = index.get(key);
      if (roles === undefined) return;
      let said: string | undefined;
      for (const r of roles) {
        if (r.arn === self.arn) continue;
        said ??= basis();
        const c = candidates.get(r.arn);
        if (c === undefined) candidates.set(r.arn, { role: r, as: [{ principal, basis: said, delegated: key.startsWith("account:") }] });
        else if (!c.as.some((x) => x.principal === principal)) c.as.push({ principal, basis: said, delegated: key.startsWith("account:") });
      }
    };
    propose(self.arn, self.arn, () => `which trusts ${self.name} by its ARN`);
    if (this.sessionKeys) for (const s of sessionArns(self)) propose(s, s, () => `which trusts ${self.name}'s session ${s.slice(s.lastIndexOf("/") + 1)}`);
    // Everyone before the account: a role trusting both lets the principal in without its own grant.
    propose("*", self.arn, () => 'which trusts everyone (Principal "*")');
    const account = `account:${self.accountId}`;
    if (index.has(account) && grantsByName(policies, "sts:AssumeRole")) {
      propose(account, self.arn, () => (isPlaceholderAccount(self.accountId) ? "which trusts the deployment account" : `which trusts the account ${self.accountId}`));
    }
    return candidates;
  }

  /** sts:AssumeRole by `self` on a candidate, decided once per pair (a chain's hops are shared by its callers). */
  private hop(self: Role | Principal, policies: PrincipalPolicies, c: AssumeCandidate): Hop {
    const key = `${self.arn} ${c.role.arn}`;
    let hit = this.hops.get(key);
    if (hit === undefined) {
      hit = decideHop(policies, c, self.arn);
      // Not kept when the cheap look alone ruled it out (no engine call; looked at again at most
      // twice more): the account's delegations no grant names are most of the pairs proposed.
      if (hit === NOT_GRANTED) return hit;
      this.hops.set(key, hit);
      this.decided++;
    }
    return hit;
  }
}

type AssumeCandidate = { role: Role; as: { principal: string; basis: string; delegated: boolean }[] };
type AssumeCandidates = Map<string, AssumeCandidate>;

/** Shorter said first: unconditional before conditional, then fewer roles to assume, then by the chain's ARNs. */
function better(a: Reach, b: Reach): boolean {
  if (a.conditional !== b.conditional) return !a.conditional;
  if (a.chain.length !== b.chain.length) return a.chain.length < b.chain.length;
  const ka = a.chain.map((x) => x.role.arn).join(" ");
  const kb = b.chain.map((x) => x.role.arn).join(" ");
  return ka < kb;
}

const nameOf = (e: Role | Principal) => e.displayName ?? e.name;

/** Why a role privileged itself is more privileged, as `why` says it. */
function ownPrivilege(privilege: RolePrivilege): string {
  if (privilege.administrator !== null) return `is administrator (${privilege.administrator} allows every action on every resource)`;
  const n = privilege.paths.length;
  const shown = privilege.paths
    .slice(0, 2)
    .map((p) => p.title)
    .join("; ");
  return `has ${n === 1 ? "a privilege-escalation path" : "privilege-escalation paths"} of its own (${shown}${n > 2 ? `; and ${n - 2} more` : ""})`;
}

/**
 * sts:AssumeRole by a principal on a candidate role, as each principal the trust names it as (the
 * first allowed wins): the engine with the caller's identity policies and boundary and the role's
 * trust policy. A delegation to the account is looked at only when an Allow statement of the caller
 * may name the role (a cheap look before the engine: a role that only delegates to the account, as
 * most trust policies of an account that assumes roles, is out of reach unless one of them names
 * it; 10,000 roles each allowed one of 50 such roles: 500,000 evaluations without this).
 */
const NOT_GRANTED: Hop = { allowed: false, denial: null };

/** `selfArn`: the caller's ARN, its role's when it asks as one of its sessions (that session's aws:PrincipalArn). */
function decideHop(policies: PrincipalPolicies, c: AssumeCandidate, selfArn: string): Hop {
  const role = c.role;
  const assumeGrants = policies.identity.flatMap((p) => p.document.Statement.filter((st) => st.Effect === "Allow" && actionApplies(st, "sts:AssumeRole")));
  const mayBeGranted = (arn: string) =>
    assumeGrants.some((st) =>
      st.Resource !== undefined ? st.Resource.some((x) => x.includes("${") || arnMatches(x, arn)) : st.NotResource === undefined || st.NotResource.some((x) => x.includes("${")) || !st.NotResource.some((x) => arnMatches(x, arn)),
    );
  let denial: string | null = null;
  let evaluated = false;
  for (const { principal, basis, delegated } of c.as) {
    if (delegated && !mayBeGranted(role.arn)) continue;
    evaluated = true;
    const r = evaluateRequest({
      identityPolicies: policies.identity,
      permissionsBoundary: policies.boundary,
      resourcePolicy: role.trustPolicy ? { id: `trust:${role.arn}`, document: trustOf(role) ?? role.trustPolicy } : null,
      request: { action: "sts:AssumeRole", resource: role.arn, principalArn: principal, context: principalContext(principal, principal === selfArn ? {} : { "aws:PrincipalArn": selfArn }), ...timeOf(policies.earliestTime) },
    });
    if (r.decision !== "allowed" && r.decision !== "conditional") {
      denial ??= `${role.name}: ${r.explanation.summary}`;
      continue;
    }
    // Only the caller's own statements point at what to change in its policies (those that allow
    // the call, as the engine decides them without the trust policy); the trust policy's part is
    // said in `why` (it belongs to the other role). None when the trust alone lets it in.
    const own = evaluateRequest({
      identityPolicies: policies.identity,
      permissionsBoundary: policies.boundary,
      request: { action: "sts:AssumeRole", resource: role.arn, principalArn: principal, context: principalContext(principal, principal === selfArn ? {} : { "aws:PrincipalArn": selfArn }), ...timeOf(policies.earliestTime) },
    });
    const refs = permits(own) ? own.explanation.statements.filter((s) => s.effect === "Allow") : [];
    return { allowed: true, conditional: r.decision === "conditional", basis, refs };
  }
  return evaluated ? { allowed: false, denial } : NOT_GRANTED;
}
