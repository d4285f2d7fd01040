package leastrole.rules.wildcard_action_test

import data.leastrole.rules.wildcard_action

grant(over) := object.union(
	{
		"policy": "inline:app", "policyKind": "inline", "awsManaged": false, "index": 0, "sid": null,
		"hasConditions": false, "fullWildcardAction": false, "serviceWildcards": [], "writeWildcards": [],
		"wildcardWriteActionSample": [], "wildcardWriteActionCount": 0, "starResource": false,
		"resourceLevelActionsOnStar": [], "resourceLevelActionsOnStarCount": 0, "notAction": [], "notResource": [], "actionCount": 1,
	},
	over,
)

doc(grants, exec) := {"roles": [{
	"arn": "arn:aws:iam::123456789012:role/app", "name": "app",
	"analysis": {"executionRole": exec, "grants": grants},
}]}

test_star_action_is_critical if {
	fs := wildcard_action.findings with input as doc([grant({"fullWildcardAction": true, "starResource": true})], true)
	count(fs) == 1
	some f in fs
	f.severity == "critical"
	f.detail == "inline:app#0"
	f.evidence.kind == "all"
	contains(f.message, "every action (`*`)")
}

test_star_action_under_condition_is_high if {
	some f in wildcard_action.findings with input as doc([grant({"fullWildcardAction": true, "hasConditions": true})], true)
	f.severity == "high"
}

test_service_wildcard_is_high if {
	some f in wildcard_action.findings with input as doc([grant({"serviceWildcards": ["dynamodb:*", "s3:*"]})], true)
	f.severity == "high"
	f.message == "Role app: inline:app Statement[0] allows every action of a service (dynamodb:*, s3:*)"
}

test_write_wildcard_is_medium if {
	some f in wildcard_action.findings with input as doc([grant({"writeWildcards": ["s3:Put*"], "wildcardWriteActionCount": 12, "wildcardWriteActionSample": ["s3:PutObject"]})], true)
	f.severity == "medium"
	f.evidence.writeActionCount == 12
	contains(f.message, "s3:Put*, which expands to 12 write")
}

test_read_only_wildcard_is_not_reported if {
	# `s3:Get*` expands only to Read actions: the analysis leaves writeWildcards empty.
	count(wildcard_action.findings) == 0 with input as doc([grant({"wildcardWriteActionCount": 0})], true)
}

test_aws_managed_statements_are_left_to_lr004 if {
	count(wildcard_action.findings) == 0 with input as doc([grant({"fullWildcardAction": true, "awsManaged": true, "policy": "arn:aws:iam::aws:policy/AdministratorAccess"})], true)
}

test_roles_that_are_not_execution_roles_are_skipped if {
	count(wildcard_action.findings) == 0 with input as doc([grant({"fullWildcardAction": true})], false)
}

test_one_finding_per_statement if {
	fs := wildcard_action.findings with input as doc([grant({"serviceWildcards": ["s3:*"]}), grant({"index": 1, "serviceWildcards": ["sqs:*"]})], true)
	{f.detail | some f in fs} == {"inline:app#0", "inline:app#1"}
}

# `Allow *` beside `Deny NotAction [s3:*, logs:*, dynamodb:*]`: the analysis counts what is left.
test_star_action_mostly_blocked_is_high_and_says_what_is_left if {
	g := grant({"fullWildcardAction": true, "starResource": true, "actionCount": 392, "blockedActionCount": 21700, "remainingServices": ["dynamodb", "logs", "s3"]})
	some f in wildcard_action.findings with input as doc([g], true)
	f.severity == "high"
	f.message == "Role app: inline:app Statement[0] allows every action (`*`); the role's Deny statements or permissions boundary block 21700 of its actions, leaving 392 (dynamodb, logs, s3)"
	f.evidence.blockedActionCount == 21700
}

# A write wildcard whose writes are all blocked (only its reads left) is not a write wildcard.
test_write_wildcard_with_every_write_blocked_is_not_reported if {
	g := grant({"writeWildcards": ["iam:*Policy*"], "wildcardWriteActionCount": 0, "actionCount": 10, "blockedActionCount": 20, "remainingServices": ["iam"]})
	count(wildcard_action.findings) == 0 with input as doc([g], true)
}

# A role the CDK makes for one of its own handlers (cdkHandler, see policies/lib/analysis.rego's
# cdk_handler_advice): the message says the CDK writes the grant and what the app can do instead.
cdk_doc(handler, g) := {"roles": [{
	"arn": "arn:aws:iam::123456789012:role/app", "name": "app", "cdkHandler": handler,
	"analysis": {"executionRole": true, "grants": [g]},
}]}

test_cdk_aws_custom_resource_wildcard_names_the_construct if {
	handler := {"kind": "aws-custom-resource", "construct": "S/AWS679f53fac002430cb0da5b7982bd2287", "awsCustomResources": {"inline:app": "S/PutParam"}}
	fs := wildcard_action.findings with input as cdk_doc(handler, grant({"serviceWildcards": ["ssm:*"]}))
	count(fs) == 1
	some f in fs
	f.severity == "high"
	f.message == "Role app: inline:app Statement[0] allows every action of a service (ssm:*). The CDK writes this grant for the AwsCustomResource S/PutParam from its policy (AwsCustomResourcePolicy.ANY_RESOURCE grants its calls on every resource): give it AwsCustomResourcePolicy.fromSdkCalls({ resources: [...] }) with the ARNs its SDK calls use"
}

test_cdk_advice_follows_the_blocked_note if {
	g := grant({"fullWildcardAction": true, "blockedActionCount": 10, "actionCount": 5, "remainingServices": ["s3"]})
	some f in wildcard_action.findings with input as cdk_doc({"kind": "custom-resource-provider", "construct": "S/Custom::MyCustomResourceProvider"}, g)
	contains(f.message, "leaving 5 (s3). The CDK writes this grant for its custom resource provider S/Custom::MyCustomResourceProvider,")
	f.severity == "high"
}

test_other_roles_get_no_cdk_advice if {
	some f in wildcard_action.findings with input as doc([grant({"serviceWildcards": ["ssm:*"]})], true)
	f.message == "Role app: inline:app Statement[0] allows every action of a service (ssm:*)"
}

# A role of a template or plan: the message names the role and the policy as the user's code does
# (displayName, analysis.policyDisplayNames: the CDK construct path, logical ID or Terraform
# address); the finding's resource and detail, its identity, stay the names in AWS.
iac_doc(grants) := {"roles": [{
	"arn": "arn:aws:iam::123456789012:role/Stack-AppServiceRole1A2B3C-XYZ", "name": "Stack-AppServiceRole1A2B3C-XYZ",
	"displayName": "Stack/App/ServiceRole",
	"analysis": {"executionRole": true, "grants": grants, "policyDisplayNames": {"inline:app": "Stack/App/ServiceRole/DefaultPolicy"}},
}]}

test_iac_names_are_the_users if {
	fs := wildcard_action.findings with input as iac_doc([grant({"serviceWildcards": ["dynamodb:*"]})])
	count(fs) == 1
	some f in fs
	f.message == "Role Stack/App/ServiceRole: Stack/App/ServiceRole/DefaultPolicy Statement[0] allows every action of a service (dynamodb:*)"
	f.resource.name == "Stack-AppServiceRole1A2B3C-XYZ"
	f.detail == "inline:app#0"
}
