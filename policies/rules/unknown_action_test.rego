package leastrole.rules.unknown_action_test

import data.leastrole.rules.unknown_action

statement(over) := object.union(
	{
		"policy": "inline:app", "policyKind": "inline", "index": 0, "sid": null, "effect": "Allow",
		"actions": [], "unknownActions": [],
	},
	over,
)

doc(statements, exec) := {
	"meta": {"iamDataVersion": "0.1.2"},
	"roles": [{
		"arn": "arn:aws:iam::123456789012:role/app", "name": "app",
		"facts": {"statements": statements},
		"analysis": {"executionRole": exec},
	}],
}

test_typo_is_reported_with_the_catalog_version if {
	fs := unknown_action.findings with input as doc([statement({"unknownActions": ["dynamodb:GetItems"]})], true)
	count(fs) == 1
	some f in fs
	f.severity == "low"
	f.detail == "inline:app#0"
	f.evidence.unknownActions == ["dynamodb:GetItems"]
	f.message == "Role app: inline:app Statement[0] allows dynamodb:GetItems, which names no action in the AWS action catalog (iam-data 0.1.2): it grants nothing; a typo leaves the intended permission missing"
}

test_one_finding_per_statement if {
	fs := unknown_action.findings with input as doc(
		[
			statement({"unknownActions": ["s3:GetObjects"]}),
			statement({"index": 1, "unknownActions": ["foo:Bar", "foo:Baz"]}),
			statement({"index": 2}),
		],
		true,
	)
	{f.detail | some f in fs} == {"inline:app#0", "inline:app#1"}
	some f in fs
	f.detail == "inline:app#1"
	contains(f.message, "allows foo:Bar, foo:Baz, which name no action")
}

test_deny_statements_are_not_reported if {
	count(unknown_action.findings) == 0 with input as doc([statement({"effect": "Deny", "unknownActions": ["s3:GetObjects"]})], true)
}

test_aws_managed_policies_are_skipped if {
	count(unknown_action.findings) == 0 with input as doc([statement({"policy": "arn:aws:iam::aws:policy/service-role/AWSLambdaRole", "policyKind": "managed", "unknownActions": ["lambda:InvokeAsync2"]})], true)
	count(unknown_action.findings) == 0 with input as doc([statement({"policy": "arn:aws-cn:iam::aws:policy/X", "unknownActions": ["x:Y"]})], true)
}

test_customer_managed_policies_are_reported if {
	some f in unknown_action.findings with input as doc([statement({"policy": "arn:aws:iam::123456789012:policy/app", "policyKind": "managed", "unknownActions": ["s3:GetObjects"]})], true)
	f.detail == "arn:aws:iam::123456789012:policy/app#0"
}

test_roles_that_are_not_execution_roles_are_skipped if {
	count(unknown_action.findings) == 0 with input as doc([statement({"unknownActions": ["s3:GetObjects"]})], false)
}

test_catalog_version_defaults_when_the_document_has_no_meta if {
	some f in unknown_action.findings with input as {"roles": [{"arn": "arn:aws:iam::1:role/r", "name": "r", "facts": {"statements": [statement({"unknownActions": ["x:Y"]})]}, "analysis": {"executionRole": true}}]}
	contains(f.message, "(iam-data unknown)")
}

# SQSPollerPolicy, as the SAM translator expands it: AWS wrote these names, not the user.
test_names_from_aws_sam_templates_are_info_and_said_so if {
	poller := ["sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage", "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
	s := statement({"actions": poller, "unknownActions": ["sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessageBatch"]})
	some f in unknown_action.findings with input as doc([s], true)
	f.severity == "info"
	f.message == "Role app: inline:app Statement[0] allows sqs:ChangeMessageVisibilityBatch, sqs:DeleteMessageBatch, which name no action in the AWS action catalog (iam-data 0.1.2): it grants nothing; AWS's SAM policy template SQSPollerPolicy writes them, and sqs:ChangeMessageVisibility, sqs:DeleteMessage, granted here too, authorise those calls"
}

# Written alone, as a user's own policy would: the permission meant (sqs:DeleteMessage) is missing.
test_a_batch_name_alone_stays_low if {
	s := statement({"actions": ["sqs:DeleteMessageBatch", "sqs:ReceiveMessage"], "unknownActions": ["sqs:DeleteMessageBatch"]})
	some f in unknown_action.findings with input as doc([s], true)
	f.severity == "low"
	endswith(f.message, "a typo leaves the intended permission missing")
}

# One of them beside a real typo: the typo decides.
test_a_typo_beside_them_stays_low if {
	s := statement({"actions": ["sqs:DeleteMessage", "sqs:DeleteMessageBatch", "sqs:SendMesage"], "unknownActions": ["sqs:DeleteMessageBatch", "sqs:SendMesage"]})
	some f in unknown_action.findings with input as doc([s], true)
	f.severity == "low"
}

# A template's or plan's role and policy are named as the user's code names them; the detail (the
# fingerprint) keeps the policy's reference.
test_iac_names_are_the_users if {
	d := doc([statement({"policy": "arn:aws:iam::123456789012:policy/Stack-ReadPolicy-ABC", "policyKind": "managed", "unknownActions": ["dynamodb:GetItems"]})], true)
	iac := {"meta": d.meta, "roles": [object.union(d.roles[0], {"displayName": "aws_iam_role.app", "analysis": {"policyDisplayNames": {"arn:aws:iam::123456789012:policy/Stack-ReadPolicy-ABC": "aws_iam_policy.read"}}})]}
	fs := unknown_action.findings with input as iac
	count(fs) == 1
	some f in fs
	startswith(f.message, "Role aws_iam_role.app: aws_iam_policy.read Statement[0] allows dynamodb:GetItems, which names no action")
	f.detail == "arn:aws:iam::123456789012:policy/Stack-ReadPolicy-ABC#0"
	f.resource.name == "app"
}
