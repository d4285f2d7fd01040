package leastrole.rules.missing_log_permissions_test

import data.leastrole.rules.missing_log_permissions

req(purpose, subject, action, decision, essential) := {
	"purpose": purpose, "subject": subject, "action": action, "resource": sprintf("arn:%s", [action]),
	"essential": essential, "decision": decision, "explanation": "because", "statements": [],
}

fn(reqs, over) := object.union(
	{
		"arn": "arn:aws:lambda:us-east-1:123456789012:function:api", "name": "api", "roleArn": "arn:aws:iam::123456789012:role/api",
		"logGroup": "/custom/api", "vpc": null,
		"analysis": {"roleFound": true, "roleIncomplete": false, "requirements": reqs, "unneededCapabilities": []},
	},
	over,
)

logs(create, stream, put) := [
	req("logs", "/custom/api", "logs:CreateLogGroup", create, false),
	req("logs", "/custom/api", "logs:CreateLogStream", stream, true),
	req("logs", "/custom/api", "logs:PutLogEvents", put, true),
]

test_cannot_write_streams_is_medium if {
	fs := missing_log_permissions.findings with input as {"functions": [fn(logs("allowed", "implicit-deny", "explicit-deny"), {})]}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.message == "Function api cannot write its logs to /custom/api: its execution role does not allow logs:CreateLogStream, logs:PutLogEvents"
	count(f.evidence.missing) == 2
}

test_an_explicit_deny_alone_is_logging_turned_off_on_purpose if {
	# The Serverless Framework's disableLogs: true writes a Deny of logs:PutLogEvents on the group.
	some f in missing_log_permissions.findings with input as {"functions": [fn(logs("allowed", "allowed", "explicit-deny"), {})]}
	f.severity == "info"
	f.message == "Function api cannot write its logs to /custom/api: its execution role denies logs:PutLogEvents (an explicit Deny: logging turned off on purpose, as the Serverless Framework's disableLogs does; remove the Deny to keep its output)"

	# A Deny beside a permission simply not granted: a broken role, as before.
	some g in missing_log_permissions.findings with input as {"functions": [fn(logs("allowed", "implicit-deny", "explicit-deny"), {})]}
	g.severity == "medium"
}

test_only_create_log_group_missing_is_low if {
	some f in missing_log_permissions.findings with input as {"functions": [fn(logs("implicit-deny", "allowed", "allowed"), {})]}
	f.severity == "low"
	contains(f.message, "cannot create its log group /custom/api")
}

test_all_allowed_is_not_reported if {
	count(missing_log_permissions.findings) == 0 with input as {"functions": [fn(logs("allowed", "allowed", "allowed"), {})]}
}

test_conditional_is_not_reported_as_missing if {
	count(missing_log_permissions.findings) == 0 with input as {"functions": [fn(logs("conditional", "conditional", "allowed"), {})]}
}

test_unknown_role_is_not_reported if {
	count(missing_log_permissions.findings) == 0 with input as {"functions": [fn(logs("no-role", "no-role", "no-role"), {"analysis": {"roleFound": false, "roleIncomplete": false, "requirements": logs("no-role", "no-role", "no-role")}})]}
}

test_incomplete_role_is_info if {
	some f in missing_log_permissions.findings with input as {"functions": [fn([], {"analysis": {"roleFound": true, "roleIncomplete": true, "requirements": logs("implicit-deny", "implicit-deny", "implicit-deny")}})]}
	f.severity == "info"
}

# The role of function `api` as the Terraform reader gives it for a terraform-aws-modules/lambda
# call (source.terraformModule), with the module's attachments of iam.tf named in `attachments`.
module_role(attachments) := {
	"arn": "arn:aws:iam::123456789012:role/api", "name": "api",
	"source": {
		"file": "plan.json", "line": null, "address": "module.api.aws_iam_role.lambda[0]",
		"terraformModule": {"source": "terraform-aws-modules/lambda/aws", "call": "module.api"},
	},
	"policyResources": [{"type": "aws_iam_role_policy_attachment", "source": {"file": "plan.json", "line": null, "address": sprintf("module.api.aws_iam_role_policy_attachment.%s[0]", [a])}} | some a in attachments],
}

test_module_role_without_its_logs_policy_names_the_input if {
	some f in missing_log_permissions.findings with input as {"functions": [fn(logs("implicit-deny", "implicit-deny", "implicit-deny"), {})], "roles": [module_role([])]}
	f.message == "Function api cannot write its logs to /custom/api: its execution role does not allow logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents. Its role is made by the terraform-aws-modules/lambda call module.api: set attach_cloudwatch_logs_policy = true there (its default), which attaches the module's logs policy on the call's log group"
}

# The call attaches its logs policy already (on the module's group, not /custom/api): the input is no fix.
test_module_role_with_its_logs_policy_names_no_input if {
	some f in missing_log_permissions.findings with input as {"functions": [fn(logs("implicit-deny", "implicit-deny", "implicit-deny"), {})], "roles": [module_role(["logs"])]}
	not contains(f.message, "terraform-aws-modules")
}

test_role_of_no_module_names_no_input if {
	role := object.remove(module_role([]), ["source"])
	some f in missing_log_permissions.findings with input as {"functions": [fn(logs("implicit-deny", "implicit-deny", "implicit-deny"), {})], "roles": [role]}
	not contains(f.message, "terraform-aws-modules")
}

# A template's or plan's function is named as the user's code names it (displayName).
test_iac_function_is_named_as_written if {
	some f in missing_log_permissions.findings with input as {"functions": [fn(logs("allowed", "implicit-deny", "explicit-deny"), {"displayName": "aws_lambda_function.api"})]}
	f.message == "Function aws_lambda_function.api cannot write its logs to /custom/api: its execution role does not allow logs:CreateLogStream, logs:PutLogEvents"
	f.resource.name == "api"
}

# Function api of the call module.api, given a role written beside it (create_role = false,
# lambda_role): the call's inputs make nothing, so the advice names the role's address; a role
# of another input (an IAM export) by the function's role ARN.
module_function(extra) := object.union(fn(logs("implicit-deny", "implicit-deny", "implicit-deny"), extra), {"source": {"file": "plan.json", "line": null, "address": "module.api.aws_lambda_function.this[0]", "terraformModule": {"source": "terraform-aws-modules/lambda/aws", "call": "module.api"}}})

test_module_function_with_a_role_made_outside_names_the_role if {
	role := {"arn": "arn:aws:iam::123456789012:role/api", "name": "api", "source": {"address": "aws_iam_role.shared"}}
	some f in missing_log_permissions.findings with input as {"functions": [module_function({})], "roles": [role]}
	endswith(f.message, ". Its role aws_iam_role.shared is not made by the terraform-aws-modules/lambda call module.api, which is given it (create_role = false, lambda_role): grant this in that role's policies, where aws_iam_role.shared is written; the call's attach_* and policy inputs make nothing without create_role")
}

test_module_function_with_a_role_of_an_export_names_its_arn if {
	role := {"arn": "arn:aws:iam::123456789012:role/api", "name": "api", "source": {"address": "RoleDetailList[4]"}}
	some f in missing_log_permissions.findings with input as {"functions": [module_function({})], "roles": [role]}
	contains(f.message, ". Its role arn:aws:iam::123456789012:role/api is not made by the terraform-aws-modules/lambda call module.api")
	contains(f.message, "where the role is managed")
}
