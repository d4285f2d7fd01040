# METADATA
# title: Helpers over the derived analysis sections (src/analysis/)
# description: |
#   Resources, statement ids, execution roles, missing requirements and severity arithmetic shared
#   by the built-in rules. Lookups are complete rules (computed once per evaluation): wasm has no
#   rule indexing.
package leastrole.lib.analysis

import data.leastrole.lib.text

role_resource(role) := {"type": "role", "arn": role.arn, "name": role.name}

# How the user's code names a role, function, user or group, for messages: its `displayName` (the
# CDK construct path, the CloudFormation/SAM logical ID or the Terraform address, set by the
# normaliser for templates and plans, src/normalize/display-names.ts), else its name (account
# exports). Findings' `resource.name` stays the name in AWS: messages only are for the reader.
display_name(x) := object.get(x, "displayName", x.name)

# How the user's code names a role's policy, given as grants and facts reference it (`inline:<name>`,
# a managed policy's ARN): the policy's own resource (its construct path, logical ID or address)
# when it has one in a template or plan (role.analysis.policyDisplayNames), else the reference.
policy_name(role, policy) := object.get(role, ["analysis", "policyDisplayNames", policy], policy)

function_resource(fn) := {"type": "function", "arn": fn.arn, "name": fn.name}

principal_resource(p) := {"type": "principal", "arn": p.arn, "name": p.name}

# `policy#index`: the detail that tells apart findings of one rule on several statements of a role.
statement_id(policy, index) := text.format("%s#%s", [policy, index])

# What a CDK user can do about a grant on a role the CDK makes for one of its own handlers
# (role.cdkHandler, from src/sources/cloudformation/cdk-handlers.ts), said after a finding's
# message: the CDK writes these statements, not the app, and cdk synth rewrites the template, so
# "scope the role" cannot be followed as it stands. "" for every other role. One place for the
# wording of every rule that fires on such a role (LR001, LR002, LR003, LR008, LR015, LR017).
# `policy`: the grant's policy (an AwsCustomResource's own policy names that construct).
cdk_handler_advice(role, policy) := cdk_advice(role.cdkHandler, object.get(role.cdkHandler, ["awsCustomResources", policy], ""), "this grant", "the one that adds this statement") if role.cdkHandler

else := ""

# The same for a finding on all the role's grants at once (LR008's unused actions of its function),
# which may come from several AwsCustomResources' policies.
cdk_handler_grants_advice(role) := cdk_advice(role.cdkHandler, "", "these grants", "the ones that add these grants") if role.cdkHandler

else := ""

# LR008 on the function of a CDK handler: it runs only when CloudFormation creates, updates or
# deletes its custom resources (a deployment), not on the app's traffic, so a usage window without
# a deployment shows none of its calls, and what is "unused" may be its delete or update call. A
# SingletonFunction may be the app's and run on its traffic: the grants' advice only.
cdk_handler_usage_note(role) := cdk_handler_grants_advice(role) if role.cdkHandler.kind == "singleton-function"

else := text.format(". The CDK's %s %s runs only when CloudFormation creates, updates or deletes its custom resources, so a window without such a deployment does not show its calls%s", [
	cdk_handler_name[role.cdkHandler.kind], role.cdkHandler.construct, cdk_handler_grants_advice(role),
]) if {
	role.cdkHandler
}

else := ""

# LR001 on a CDK handler's role: the CDK makes one per stack for every construct that needs the
# handler; splitting it is not the app's to do, so say that and what the app can do instead.
cdk_shared_role_advice(role) := text.format(". The CDK makes this role for its %s %s, one per stack, and every construct that needs the handler shares it by design: it is not the app's to split%s", [
	cdk_handler_name[role.cdkHandler.kind], role.cdkHandler.construct, cdk_handler_grants_advice(role),
]) if role.cdkHandler

else := ""

cdk_handler_name := {
	"log-retention": "LogRetention handler",
	"aws-custom-resource": "AwsCustomResource handler",
	"bucket-notifications": "BucketNotificationsHandler",
	"custom-resource-provider": "custom resource provider",
	"singleton-function": "singleton function",
}

# One sentence per handler kind (CdkHandler.kind); `user` is the AwsCustomResource whose policy
# the statement is in (CdkHandler.awsCustomResources), "" when not known; `what` names the grant
# or grants the finding is about, `adder` the AwsCustomResource(s) that add it when not known.
cdk_advice(h, _, what, _) := text.format(". The CDK writes %s for its LogRetention handler %s, which it adds for the logRetention prop of functions (and of its own custom resources), and the app cannot scope it: give them a logGroup (a logs.LogGroup with its retention) instead of logRetention, as the CDK recommends, and the handler goes; or suppress the finding on this role with that reason", [what, h.construct]) if h.kind == "log-retention"

cdk_advice(h, user, what, _) := text.format(". The CDK writes %s for the AwsCustomResource %s from its policy (AwsCustomResourcePolicy.ANY_RESOURCE grants its calls on every resource): give it AwsCustomResourcePolicy.fromSdkCalls({ resources: [...] }) with the ARNs its SDK calls use", [what, user]) if {
	h.kind == "aws-custom-resource"
	user != ""
}

cdk_advice(h, "", _, adder) := text.format(". The role is the CDK's AwsCustomResource handler %s, shared by the stack's AwsCustomResources, each adding its policy: give %s AwsCustomResourcePolicy.fromSdkCalls({ resources: [...] }) with the ARNs its SDK calls use", [h.construct, adder]) if h.kind == "aws-custom-resource"

cdk_advice(h, _, what, _) := text.format(". The CDK writes %s for its BucketNotificationsHandler %s, which it adds for buckets' event notifications, and the app cannot scope it: aws-cdk-lib releases since aws/aws-cdk#35334 (2025) write it on the buckets' ARNs, so upgrade aws-cdk-lib; or suppress the finding on this role with that reason", [what, h.construct]) if h.kind == "bucket-notifications"

cdk_advice(h, _, what, _) := text.format(". The CDK writes %s for its custom resource provider %s, and the app cannot scope it: suppress the finding on this role with that reason", [what, h.construct]) if h.kind == "custom-resource-provider"

cdk_advice(h, _, _, _) := text.format(". The role is the singleton function %s's (a construct id ending in a 32-hex UUID, as the CDK's own handlers and SingletonFunction have): scope the statement where the app adds it, or, if the CDK adds it, suppress the finding on this role with that reason", [h.construct]) if h.kind == "singleton-function"

# Roles by ARN, for rules about a function or a usage entry that name their role (LR008). The
# usage entries of a role are in its rules slice (src/evaluate/rules-slices.ts).
roles_by_arn := {role.arn: role | some role in input.roles}

# The terraform-aws-modules/lambda call that makes each role, by ARN (role.source.terraformModule,
# from src/sources/terraform/lambda-module.ts): its user changes the role through the call's inputs
# (variables.tf: attach_network_policy …), so a finding on it names the input to set.
lambda_module_calls := {role.arn: role.source.terraformModule.call | some role in input.roles; role.source.terraformModule.call}

# The module's attachments each such role has, by ARN: the names of iam.tf's
# `aws_iam_role_policy_attachment.<name>[0]` of its call (`logs`, `vpc`, `tracing`, `dead_letter`, `async` …).
lambda_module_attachments := {role.arn: names |
	some role in input.roles
	call := role.source.terraformModule.call
	prefix := text.format("%s.aws_iam_role_policy_attachment.", [call])
	names := {trim_suffix(trim_prefix(p.source.address, prefix), "[0]") |
		some p in object.get(role, "policyResources", [])
		startswith(p.source.address, prefix)
	}
}

# ". Its role is made by the terraform-aws-modules/lambda call module.x: <advice>" after a finding on
# function fn; "" when its role is no such call's.
lambda_module_advice(fn, advice) := text.format(". Its role is made by the terraform-aws-modules/lambda call %s: %s", [lambda_module_calls[fn.roleArn], advice]) if lambda_module_calls[fn.roleArn]

else := lambda_module_role_outside(fn) if fn.source.terraformModule.call

else := ""

# A function of a terraform-aws-modules/lambda call that runs with a role made outside any such
# call (`create_role = false`, `lambda_role = aws_iam_role.shared.arn`): the call's attach_* and
# policy inputs make nothing then (iam.tf's resources all have count 0), so the advice names the
# role, by its Terraform address when the plan makes it, else by its ARN.
lambda_module_role_outside(fn) := text.format(". Its role %s is not made by the terraform-aws-modules/lambda call %s, which is given it (create_role = false, lambda_role): grant this in that role's policies, where %s is written; the call's attach_* and policy inputs make nothing without create_role", [place, fn.source.terraformModule.call, place]) if {
	place := terraform_address(roles_by_arn[fn.roleArn])
} else := text.format(". Its role %s is not made by the terraform-aws-modules/lambda call %s, which is given it (create_role = false, lambda_role): grant this in that role's policies, where the role is managed; the call's attach_* and policy inputs make nothing without create_role", [fn.roleArn, fn.source.terraformModule.call])

# A role's Terraform address (`aws_iam_role.shared`, `module.iam.aws_iam_role.this[0]`); undefined for a
# role of another input (an IAM export's `RoleDetailList[4]`, a template's logical ID).
terraform_address(role) := role.source.address if regex.match(`^(module\.|aws_)[A-Za-z0-9_]`, role.source.address)

# The advice to turn on the module input that attaches a policy (`attachment`, iam.tf's name), when
# the call does not attach it yet; "" when it does (the cause is elsewhere: a Deny, a boundary, another
# resource than the call's) or the role is no call's.
lambda_module_turn_on(fn, attachment, advice) := lambda_module_advice(fn, advice) if not lambda_module_attaches(fn, attachment)

else := ""

lambda_module_attaches(fn, attachment) if attachment in lambda_module_attachments[fn.roleArn]

# Roles the Lambda rules apply to: they trust Lambda or a function uses them.
execution_roles := [role | some role in input.roles; role.analysis.executionRole]

# `--scope account` (config `scope: account`): principal-wide rules (LR014) look at every role and user.
account_scope if data.leastrole.config.scope == "account"

denied_decisions := {"implicit-deny", "explicit-deny"}

# Requirements of a function (for the given purposes) that its execution role does not grant.
missing(fn, purposes) := [r |
	some r in fn.analysis.requirements
	r.purpose in purposes
	r.decision in denied_decisions
]

severity_rank := {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}

rank_severity := {0: "critical", 1: "high", 2: "medium", 3: "low", 4: "info"}

# The most severe of a non-empty set or array of severities.
max_severity(severities) := rank_severity[min([severity_rank[s] | some s in severities])]

# One step less severe (a condition or an unresolved policy lowers confidence), floored at info.
lower_severity(s) := rank_severity[min([severity_rank[s] + 1, 4])]

# A count with its noun, for messages: "1 action", "3 actions" (the noun's plural takes an s).
counted(n, noun) := text.format("%s %s", [n, noun]) if n == 1

counted(n, noun) := text.format("%s %ss", [n, noun]) if n != 1

# " and 3 more" after a list cut to its first `shown` items; "" when nothing was cut.
more(n, shown) := text.format(" and %s more", [n - shown]) if n > shown

more(n, shown) := "" if n <= shown

# Unique, sorted actions of a list of requirements.
actions_of(reqs) := sort({r.action | some r in reqs})

# The name at the end of an ARN (`function:<name>`, `role/<path>/<name>`), for entities the
# document does not describe.
name_of_arn(arn) := segments[count(segments) - 1] if {
	parts := split(arn, ":")
	segments := split(parts[count(parts) - 1], "/")
}

# Whether every grant of a list (`facts.sensitiveActions` entries) has a Condition: true or false,
# so that it can be written into evidence as well as tested.
all_conditional(grants) := count([g | some g in grants; not g.conditional]) == 0

# Whether only statements with a Condition grant a `facts.sensitiveActions` entry on its resource
# pattern `r` (the entry's `conditional` is for all its patterns; `conditionalResources` lists the
# conditional-only ones when only some are).
conditional_on(g, _) if g.conditional

conditional_on(g, r) if r in object.get(g, "conditionalResources", [])

# A resource pattern that names every resource of its type: `*`, or an ARN whose resource part is
# all wildcard (`arn:aws:s3:::*`, `arn:aws:s3:::*/*`,
# `arn:aws:ssm:*:*:parameter/*`, `arn:aws:secretsmanager:*:*:secret:*`).
every_resource(r) if r == "*"

every_resource(r) if {
	parts := split(r, ":")
	count(parts) >= 6
	parts[2] == "s3"
	parts[3] in {"", "*"}
	parts[4] in {"", "*"}
	concat(":", array.slice(parts, 5, count(parts))) in {"*", "*/*"}
}

# Other services, and S3's access points and jobs (which name a region and an account), name a
# resource type first (`parameter/…`, `secret:…`, `key/…`, `table/…`, `accesspoint/…`).
every_resource(r) if {
	parts := split(r, ":")
	count(parts) >= 6
	not s3_bucket_style(parts)
	regex.match(`^([A-Za-z0-9-]+[/:])?\*$`, concat(":", array.slice(parts, 5, count(parts))))
}

# `arn:aws:s3:::…`, as bucket and object ARNs are written: the resource part is a bucket name.
s3_bucket_style(parts) if {
	parts[2] == "s3"
	parts[3] == ""
	parts[4] == ""
}
