package leastrole.rules.shared_execution_role_test

import data.leastrole.rules.shared_execution_role

role(arn, fns) := {"arn": arn, "name": substring(arn, 31, -1), "functions": fns}

fn(name, tags) := {"arn": sprintf("arn:aws:lambda:us-east-1:123456789012:function:%s", [name]), "name": name, "tags": tags}

arn(name) := sprintf("arn:aws:lambda:us-east-1:123456789012:function:%s", [name])

no_usage := {"present": false, "principals": []}

usage_of(pairs) := {"present": true, "principals": [p |
	some pair in pairs
	p := {"roleArn": "arn:aws:iam::123456789012:role/shared", "functionArn": arn(pair[0]), "sessionKind": "function", "actions": [{"action": a, "count": 3, "deniedCount": 0} | some a in pair[1]]}
]}

test_role_with_one_function_is_not_reported if {
	count(shared_execution_role.findings) == 0 with input as {
		"roles": [role("arn:aws:iam::123456789012:role/solo", [arn("a")])],
		"functions": [fn("a", {})],
		"usage": no_usage,
	}
}

test_role_with_no_function_is_not_reported if {
	count(shared_execution_role.findings) == 0 with input as {
		"roles": [role("arn:aws:iam::123456789012:role/unused", [])],
		"functions": [],
		"usage": no_usage,
	}
}

test_shared_role_lists_functions_sorted if {
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("zeta"), arn("alpha")])],
		"functions": [fn("zeta", {}), fn("alpha", {})],
		"usage": no_usage,
	}
	count(findings) == 1
	some f in findings
	f.resource == {"type": "role", "arn": "arn:aws:iam::123456789012:role/shared", "name": "shared"}
	f.evidence.functions == ["alpha", "zeta"]
	f.evidence.functionCount == 2
	f.severity == "medium"
	f.message == "Role shared is the execution role of 2 functions (alpha, zeta)"
}

test_different_classification_raises_severity if {
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {"DataClassification": "pii"}), fn("b", {"DataClassification": "public"})],
		"usage": no_usage,
	}
	some f in findings
	f.severity == "high"
	f.evidence.sensitivity == ["dataclassification=pii", "dataclassification=public"]
	contains(f.message, "different data classifications")
}

test_one_labelled_one_not_differs if {
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {"sensitivity": "high"}), fn("b", {"team": "x"})],
		"usage": no_usage,
	}
	some f in findings
	f.severity == "high"
	f.evidence.sensitivity == ["sensitivity=high", "unlabelled"]
}

test_same_classification_stays_medium if {
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {"classification": "internal"}), fn("b", {"Classification": "internal"})],
		"usage": no_usage,
	}
	some f in findings
	f.severity == "medium"
}

test_different_usage_raises_severity if {
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {}), fn("b", {})],
		"usage": usage_of([["a", ["dynamodb:GetItem"]], ["b", ["s3:PutObject"]]]),
	}
	some f in findings
	f.severity == "high"
	f.evidence.usedActions[arn("a")] == ["dynamodb:GetItem"]
	contains(f.message, "use different permissions")
	endswith(f.message, "(a, b), which use different permissions")
}

test_same_usage_stays_medium if {
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {}), fn("b", {})],
		"usage": usage_of([["a", ["sqs:SendMessage"]], ["b", ["sqs:SendMessage"]]]),
	}
	some f in findings
	f.severity == "medium"
}

test_only_denied_calls_are_not_usage if {
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {}), fn("b", {})],
		"usage": {"present": true, "principals": [{"roleArn": "arn:aws:iam::123456789012:role/shared", "functionArn": arn("a"), "sessionKind": "function", "actions": [{"action": "s3:GetObject", "count": 2, "deniedCount": 2}]}]},
	}
	some f in findings
	f.severity == "medium"
	f.evidence.usedActions == {}
}

test_lambda_service_sessions_are_not_a_function_s_usage if {
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {}), fn("b", {})],
		"usage": {"present": true, "principals": [
			{"roleArn": "arn:aws:iam::123456789012:role/shared", "functionArn": null, "sessionKind": "lambda-service", "invokedBy": "lambda.amazonaws.com", "actions": [{"action": "sqs:ReceiveMessage", "count": 1, "deniedCount": 0}]},
			{"roleArn": "arn:aws:iam::123456789012:role/shared", "functionArn": null, "sessionKind": "lambda-service", "invokedBy": "lambda.amazonaws.com", "actions": [{"action": "sqs:DeleteMessage", "count": 1, "deniedCount": 0}]},
		]},
	}
	some f in findings
	f.severity == "medium"
	f.evidence.usedActions == {}
}

test_configured_sensitivity_keys if {
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {"Tier": "gold"}), fn("b", {"Tier": "bronze"})],
		"usage": no_usage,
	}
		with data.leastrole.config.sensitivity_tag_keys as ["tier"]
	some f in findings
	f.severity == "high"
}

test_aggregator_stamps_rule_name if {
	findings := data.leastrole.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {}), fn("b", {})],
		"usage": no_usage,
	}
	some f in findings
	f.rule == "shared_execution_role"
}

# A role the CDK makes for one of its own handlers is one per stack by design: the message says so
# and what the app can do (policies/lib/analysis.rego, cdk_shared_role_advice).
test_cdk_handler_role_says_the_cdk_shares_it if {
	r := object.union(role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")]), {"cdkHandler": {"kind": "log-retention", "construct": "S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"}})
	fs := shared_execution_role.findings with input as {"roles": [r], "functions": [fn("a", {}), fn("b", {})], "usage": no_usage}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	startswith(f.message, "Role shared is the execution role of 2 functions (a, b). The CDK makes this role for its LogRetention handler S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a, one per stack, and every construct that needs the handler shares it by design: it is not the app's to split.")
	contains(f.message, "give them a logGroup (a logs.LogGroup with its retention) instead of logRetention")
}

test_shared_role_of_the_app_gets_no_cdk_advice if {
	some f in shared_execution_role.findings with input as {"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])], "functions": [fn("a", {}), fn("b", {})], "usage": no_usage}
	f.message == "Role shared is the execution role of 2 functions (a, b)"
}

# A template's or plan's role and functions are named in the message as the user's code names them
# (displayName); the evidence keeps the functions' names in AWS.
test_iac_names_are_the_users if {
	r := object.union(role("arn:aws:iam::123456789012:role/shared", [arn("zeta"), arn("alpha")]), {"displayName": "Stack/Shared"})
	findings := shared_execution_role.findings with input as {
		"roles": [r],
		"functions": [object.union(fn("zeta", {}), {"displayName": "Stack/Zeta"}), object.union(fn("alpha", {}), {"displayName": "Stack/Alpha"})],
		"usage": no_usage,
	}
	some f in findings
	f.message == "Role Stack/Shared is the execution role of 2 functions (Stack/Alpha, Stack/Zeta)"
	f.evidence.functions == ["alpha", "zeta"]
	f.resource.name == "shared"
}

# A template's shared role CloudFormation named at deployment: CloudTrail's role ARN is the
# deployed one, matched to the template's in documentRoleArn (src/usage/deployed-names.ts).
test_usage_on_the_deployed_role_counts_for_the_template_role if {
	deployed := "arn:aws:iam::123456789012:role/orders-prod-SharedRole-1A2B3C4D5E6F"
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/SharedRole", [arn("a"), arn("b")])],
		"functions": [fn("a", {}), fn("b", {})],
		"usage": {"present": true, "principals": [
			{"roleArn": deployed, "documentRoleArn": "arn:aws:iam::123456789012:role/SharedRole", "functionArn": arn("a"), "sessionKind": "function", "actions": [{"action": "dynamodb:GetItem", "count": 3, "deniedCount": 0}]},
			{"roleArn": deployed, "documentRoleArn": "arn:aws:iam::123456789012:role/SharedRole", "functionArn": arn("b"), "sessionKind": "function", "actions": [{"action": "s3:PutObject", "count": 3, "deniedCount": 0}]},
		]},
	}
	some f in findings
	f.severity == "high"
	f.evidence.usedActions[arn("a")] == ["dynamodb:GetItem"]
}

# A function's records with userIdentity.inScopeOf and older ones without it are two principals of
# the same function (src/usage/labels.ts attributes the first by ARN, the second by name): the
# function's usage is both's, and the pair of them is no conflict.
test_two_principals_of_one_function if {
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {}), fn("b", {})],
		"usage": usage_of([["a", ["dynamodb:GetItem"]], ["a", ["s3:GetObject"]], ["b", ["dynamodb:GetItem"]]]),
	}
	some f in findings
	f.severity == "high"
	f.evidence.usedActions[arn("a")] == ["dynamodb:GetItem", "s3:GetObject"]
	f.evidence.usedActions[arn("b")] == ["dynamodb:GetItem"]
}

# The built-in rules' view (src/evaluate/rules-view.ts) gives the usage grouped by role and function
# (`usedByFunction`) beside the principals, and the rule reads the groups then: here they say what
# the principals do not (b used nothing), and the finding follows the groups.
test_the_views_groups_are_read_when_given if {
	usage := object.union(usage_of([["a", ["dynamodb:GetItem"]], ["b", ["s3:PutObject"]]]), {"usedByFunction": [
		{"roleArn": "arn:aws:iam::123456789012:role/shared", "functionArn": arn("a"), "actions": ["dynamodb:GetItem", "s3:GetObject"]},
		{"roleArn": "arn:aws:iam::123456789012:role/shared", "functionArn": arn("b"), "actions": []},
	]})
	findings := shared_execution_role.findings with input as {
		"roles": [role("arn:aws:iam::123456789012:role/shared", [arn("a"), arn("b")])],
		"functions": [fn("a", {}), fn("b", {})],
		"usage": usage,
	}
	some f in findings
	f.evidence.usedActions == {arn("a"): ["dynamodb:GetItem", "s3:GetObject"]}
	f.severity == "medium"
}

# Grouped without the view (a canonical document), a session a service made with the role's
# credentials (invokedBy) and one of another function are no part of the function's usage.
test_grouping_keeps_a_function_s_own_sessions_only if {
	shared := "arn:aws:iam::123456789012:role/shared"
	findings := shared_execution_role.findings with input as {
		"roles": [role(shared, [arn("a"), arn("b")])],
		"functions": [fn("a", {}), fn("b", {})],
		"usage": {"present": true, "principals": [
			{"roleArn": shared, "functionArn": arn("a"), "sessionKind": "function", "actions": [{"action": "sqs:SendMessage", "count": 1, "deniedCount": 0}]},
			{"roleArn": shared, "functionArn": arn("a"), "sessionKind": "function", "invokedBy": "apigateway.amazonaws.com", "actions": [{"action": "s3:GetObject", "count": 1, "deniedCount": 0}]},
			{"roleArn": "arn:aws:iam::123456789012:role/other", "functionArn": arn("a"), "sessionKind": "function", "actions": [{"action": "kms:Decrypt", "count": 1, "deniedCount": 0}]},
			{"roleArn": shared, "functionArn": arn("b"), "sessionKind": "function", "actions": [{"action": "sqs:SendMessage", "count": 4, "deniedCount": 1}]},
		]},
	}
	some f in findings
	f.evidence.usedActions == {arn("a"): ["sqs:SendMessage"], arn("b"): ["sqs:SendMessage"]}
	f.severity == "medium"
}
