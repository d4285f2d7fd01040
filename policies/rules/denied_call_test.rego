package leastrole.rules.denied_call_test

import data.leastrole.rules.denied_call

fn_arn := "arn:aws:lambda:us-east-1:123456789012:function:api"

action(name, c, denied) := {"action": name, "count": c, "deniedCount": denied, "errorCodes": {"AccessDenied": denied}, "resources": [], "lastSeen": "2026-10-30T00:00:00Z"}

session(kind, fnarn, actions) := {
	"accountId": "123456789012", "roleArn": "arn:aws:iam::123456789012:role/app-role", "functionName": "api",
	"functionArn": fnarn, "sessionKind": kind, "sessionName": "api", "actions": actions,
}

test_denied_calls_are_reported if {
	fs := denied_call.findings with input as {"functions": [{"arn": fn_arn, "name": "api"}], "usage": {"present": true, "principals": [session("function", fn_arn, [action("s3:GetObject", 10, 0), action("kms:Decrypt", 3, 3), action("sqs:SendMessage", 5, 1)])]}}
	count(fs) == 1
	some f in fs
	f.resource.type == "function"
	f.message == "Function api made 4 denied calls: kms:Decrypt (3), sqs:SendMessage (1)"
	count(f.evidence.denied) == 2
}

test_no_denied_calls if {
	count(denied_call.findings) == 0 with input as {"functions": [], "usage": {"present": true, "principals": [session("function", fn_arn, [action("s3:GetObject", 10, 0)])]}}
}

test_other_sessions_are_ignored if {
	count(denied_call.findings) == 0 with input as {"functions": [], "usage": {"present": true, "principals": [session("other", null, [action("s3:GetObject", 1, 1)])]}}
}

test_unjoined_function_session_is_reported_on_the_role if {
	some f in denied_call.findings with input as {"functions": [], "usage": {"present": true, "principals": [session("function", null, [action("s3:GetObject", 1, 1)])]}}
	f.resource == {"type": "role", "arn": "arn:aws:iam::123456789012:role/app-role", "name": "app-role"}
	f.detail == "session:api"
}

test_no_usage if {
	count(denied_call.findings) == 0 with input as {"functions": [], "usage": {"present": false, "principals": [session("function", fn_arn, [action("s3:GetObject", 1, 1)])]}}
}

test_denied_resources_are_told_apart_from_allowed_ones if {
	secret := "arn:aws:secretsmanager:us-east-1:123456789012:secret:"
	a := object.union(action("secretsmanager:GetSecretValue", 12, 2), {
		"resources": [concat("", [secret, "db-??????"]), concat("", [secret, "other-team-??????"])],
		"resourcesTruncated": false,
		"authorized": {"resources": [concat("", [secret, "db-??????"])], "resourcesTruncated": false, "resourcePrefix": null},
	})
	fs := denied_call.findings with input as {"functions": [{"arn": fn_arn, "name": "api"}], "usage": {"present": true, "principals": [session("function", fn_arn, [a])]}}
	some f in fs
	some d in f.evidence.denied
	d.deniedResources == [concat("", [secret, "other-team-??????"])]
	count(d.resources) == 2
}

test_denied_resources_unknown_when_a_sample_was_capped if {
	a := object.union(action("s3:GetObject", 5000, 1), {
		"resources": ["arn:aws:s3:::b/1"],
		"resourcesTruncated": true,
		"authorized": {"resources": [], "resourcesTruncated": true, "resourcePrefix": null},
	})
	fs := denied_call.findings with input as {"functions": [{"arn": fn_arn, "name": "api"}], "usage": {"present": true, "principals": [session("function", fn_arn, [a])]}}
	some f in fs
	some d in f.evidence.denied
	not "deniedResources" in object.keys(d)
}

test_the_refusing_policy_type_is_said_beside_the_count if {
	scp := object.union(action("kms:Decrypt", 3, 3), {"deniedBy": [{"policy": "service control policy", "kind": "explicit-deny"}]})
	both := object.union(action("s3:GetObject", 2, 2), {"deniedBy": [{"policy": "identity-based policy", "kind": "explicit-deny"}, {"policy": "resource-based policy", "kind": "no-allow"}]})
	fs := denied_call.findings with input as {"functions": [{"arn": fn_arn, "name": "api"}], "usage": {"present": true, "principals": [session("function", fn_arn, [scp, both, action("sqs:SendMessage", 5, 1)])]}}
	some f in fs
	f.message == "Function api made 6 denied calls: kms:Decrypt (3; explicit deny in a service control policy), s3:GetObject (2; explicit deny in an identity-based policy, no resource-based policy allows it), sqs:SendMessage (1)"
	some e in f.evidence.denied
	e.action == "kms:Decrypt"
	e.deniedBy == [{"policy": "service control policy", "kind": "explicit-deny"}]
	some plain in f.evidence.denied
	plain.action == "sqs:SendMessage"
	not "deniedBy" in object.keys(plain)
}

# A template's or plan's function is named as the user's code names it (displayName), not as the
# session names it.
test_iac_function_is_named_as_written if {
	fs := denied_call.findings with input as {"functions": [{"arn": fn_arn, "name": "api", "displayName": "ApiFunction"}], "usage": {"present": true, "principals": [session("function", fn_arn, [action("kms:Decrypt", 3, 3)])]}}
	some f in fs
	f.message == "Function ApiFunction made 3 denied calls: kms:Decrypt (3)"
	f.resource.name == "api"
}

# A function's records with userIdentity.inScopeOf and older ones without it are two principals of
# the function (src/usage/labels.ts): one finding for the function, an action refused in both
# counted once with both's calls.
test_two_principals_of_one_function_are_one_finding if {
	fs := denied_call.findings with input as {"functions": [{"arn": fn_arn, "name": "api"}], "usage": {"present": true, "principals": [
		session("function", fn_arn, [action("kms:Decrypt", 3, 3), action("sqs:SendMessage", 5, 1)]),
		session("function", fn_arn, [action("kms:Decrypt", 2, 2)]),
	]}}
	count(fs) == 1
	some f in fs
	f.message == "Function api made 6 denied calls: kms:Decrypt (5), sqs:SendMessage (1)"
	count(f.evidence.denied) == 3
}

# Lambda's own sessions on the role (awslambda_…) whose records name the function are folded into
# the function's principal as `awslambda_*` (src/usage/attribution.ts). Their refused kms:Decrypt
# on a function whose environment uses the AWS managed key aws/lambda (no KMSKeyArn) is Lambda
# decrypting the environment, with the role Lambda lets use the key by its unique ID, not through
# the role's policies: the finding says what lifts it (Lambda guide, "Securing environment
# variables"; AWS re:Post "lambda-kmsaccessdeniedexception-errors": the role set to another and
# back), not to grant the action. In the function's own session Lambda or the code may have made
# it: both fixes are said.
lambda_session(actions) := object.union(session("function", fn_arn, actions), {"sessionName": "awslambda_*", "invokedBy": "lambda.amazonaws.com"})

key := "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

test_lambda_own_environment_decrypt_under_the_aws_managed_key if {
	decrypt := object.union(action("kms:Decrypt", 2, 2), {"resources": [key]})
	fs := denied_call.findings with input as {
		"functions": [{"arn": fn_arn, "name": "api", "kmsKeyArn": null, "environmentVariableNames": ["TABLE"]}],
		"usage": {"present": true, "principals": [lambda_session([decrypt])]},
	}
	some f in fs
	f.message == "Function api made 2 denied calls: kms:Decrypt (2; Lambda's own, decrypting the environment variables with the AWS managed key aws/lambda)"
	some d in f.evidence.denied
	d.action == "kms:Decrypt"
	d.lambdaEnvironmentKey == "Lambda decrypts the environment variables under the AWS managed key aws/lambda with the execution role, which Lambda itself lets use the key (by the role's unique ID), not the role's policies: granting kms:Decrypt in the role does not lift this. Update the function's configuration (set its execution role to another and back) so that Lambda lets the role use the key again: it no longer can once the role was deleted and re-created with the same name."
}

test_in_the_function_session_both_fixes_are_said if {
	decrypt := object.union(action("kms:Decrypt", 2, 2), {"resources": [key]})
	fs := denied_call.findings with input as {
		"functions": [{"arn": fn_arn, "name": "api", "kmsKeyArn": null, "environmentVariableNames": ["TABLE"]}],
		"usage": {"present": true, "principals": [session("function", fn_arn, [decrypt])]},
	}
	some f in fs
	f.message == "Function api made 2 denied calls: kms:Decrypt (2)"
	some d in f.evidence.denied
	d.lambdaEnvironmentKey == "If these were Lambda decrypting the function's environment variables, which are under the AWS managed key aws/lambda (no KMSKeyArn), the role's policies do not govern them: Lambda itself lets the execution role use that key (by the role's unique ID), and granting kms:Decrypt in the role does not lift the refusal; update the function's configuration (set its execution role to another and back) so that Lambda does again. If they were the code's own, grant kms:Decrypt on the key (the records do not say which: leastrole does not read their encryption context)."
}

test_no_environment_note_without_environment_variables if {
	decrypt := object.union(action("kms:Decrypt", 2, 2), {"resources": [key]})
	fs := denied_call.findings with input as {
		"functions": [{"arn": fn_arn, "name": "api", "kmsKeyArn": null, "environmentVariableNames": []}],
		"usage": {"present": true, "principals": [session("function", fn_arn, [decrypt])]},
	}
	some f in fs
	some d in f.evidence.denied
	not "lambdaEnvironmentKey" in object.keys(d)
}

test_lambda_own_decrypt_with_a_customer_managed_environment_key_is_the_roles if {
	decrypt := object.union(action("kms:Decrypt", 2, 2), {"resources": [key]})
	fs := denied_call.findings with input as {
		"functions": [{"arn": fn_arn, "name": "api", "kmsKeyArn": key, "environmentVariableNames": ["TABLE"]}],
		"usage": {"present": true, "principals": [lambda_session([decrypt])]},
	}
	some f in fs
	f.message == "Function api made 2 denied calls: kms:Decrypt (2)"
}
