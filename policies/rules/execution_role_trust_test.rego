package leastrole.rules.execution_role_trust_test

import data.leastrole.rules.execution_role_trust

p(kind, id, cross, restricted) := {"kind": kind, "identifier": id, "accountId": null, "crossAccount": cross, "statementIndex": 0, "actions": ["sts:AssumeRole"], "conditionKeys": [], "restricted": restricted}

lambda := p("lambda", "lambda.amazonaws.com", false, false)

doc(principals, notp) := {"roles": [{"arn": "arn:aws:iam::123456789012:role/app", "name": "app", "trustsLambda": true, "analysis": {"trust": {"principals": principals, "notPrincipalAllow": notp}}}]}

test_lambda_only_is_fine if {
	count(execution_role_trust.findings) == 0 with input as doc([lambda, p("lambda", "edgelambda.amazonaws.com", false, false)], false)
}

test_unrestricted_wildcard_is_critical if {
	some f in execution_role_trust.findings with input as doc([lambda, p("wildcard", "*", false, false)], false)
	f.severity == "critical"
	f.message == "Execution role app can also be assumed by wildcard * (Statement[0])"
}

test_restricted_wildcard_is_high if {
	some f in execution_role_trust.findings with input as doc([lambda, p("wildcard", "*", false, true)], false)
	f.severity == "high"
	contains(f.message, "(Statement[0]; with a restricting condition)")
}

test_cross_account_is_high_unless_restricted if {
	some f in execution_role_trust.findings with input as doc([lambda, p("aws-account", "arn:aws:iam::111122223333:root", true, false)], false)
	f.severity == "high"
	some g in execution_role_trust.findings with input as doc([lambda, p("aws-account", "arn:aws:iam::111122223333:root", true, true)], false)
	g.severity == "medium"
}

test_same_account_principal_is_medium if {
	some f in execution_role_trust.findings with input as doc([lambda, p("aws-principal", "arn:aws:iam::123456789012:user/dev", false, false)], false)
	f.severity == "medium"
}

test_other_service_is_low if {
	some f in execution_role_trust.findings with input as doc([lambda, p("service", "ec2.amazonaws.com", false, false)], false)
	f.severity == "low"
}

test_federated_and_canonical_user_are_high if {
	some f in execution_role_trust.findings with input as doc([p("federated", "cognito-identity.amazonaws.com", false, false), p("canonical-user", "abc", false, false)], false)
	f.severity == "high"
	f.message == "Execution role app can also be assumed by canonical-user abc (Statement[0]), federated cognito-identity.amazonaws.com (Statement[0])"
}

test_max_severity_wins if {
	some f in execution_role_trust.findings with input as doc([p("service", "ec2.amazonaws.com", false, false), p("wildcard", "*", false, false)], false)
	f.severity == "critical"
}

# IAM refuses NotPrincipal with Allow in a trust policy: the finding says the policy cannot be
# deployed, not that everyone may assume the role.
test_not_principal_allow_is_a_refused_policy if {
	d := doc([lambda], true)
	input_doc := {"roles": [object.union(d.roles[0], {"analysis": {"trust": {"principals": [lambda], "notPrincipalAllow": true, "notPrincipalAllowStatements": [1]}}})]}
	fs := execution_role_trust.findings with input as input_doc
	count(fs) == 1
	some f in fs
	f.severity == "low"
	startswith(f.message, "Execution role app has a trust policy IAM does not accept: Statement[1] uses NotPrincipal with Effect Allow")
}

test_not_principal_allow_beside_other_principals if {
	some f in execution_role_trust.findings with input as doc([lambda, p("wildcard", "*", false, false)], true)
	f.severity == "critical"
	contains(f.message, "can also be assumed by wildcard * (Statement[0]); it also has a trust policy IAM does not accept: a statement uses NotPrincipal")
}

# IAM refuses NotPrincipal in a trust policy with Deny too: reported low as a policy that cannot
# be deployed, naming the statements, beside what the Allow statements let in.
test_not_principal_deny_is_a_refused_policy if {
	d := doc([lambda], false)
	input_doc := {"roles": [object.union(d.roles[0], {"analysis": {"trust": {"principals": [lambda], "notPrincipalAllow": false, "notPrincipalDenyStatements": [1, 2]}}})]}
	fs := execution_role_trust.findings with input as input_doc
	count(fs) == 1
	some f in fs
	f.severity == "low"
	startswith(f.message, "Execution role app has a trust policy IAM does not accept: Statement[1], Statement[2] use NotPrincipal with Effect Deny")
}

test_not_principal_deny_beside_a_wildcard if {
	d := doc([lambda, p("wildcard", "*", false, false)], false)
	input_doc := {"roles": [object.union(d.roles[0], {"analysis": {"trust": {"notPrincipalDenyStatements": [2]}}})]}
	some f in execution_role_trust.findings with input as input_doc
	f.severity == "critical"
	contains(f.message, "can also be assumed by wildcard * (Statement[0]); it also has a trust policy IAM does not accept: Statement[2] uses NotPrincipal with Effect Deny")
}

test_roles_not_trusting_lambda_are_skipped if {
	d := doc([p("wildcard", "*", false, false)], false)
	count(execution_role_trust.findings) == 0 with input as {"roles": [object.union(d.roles[0], {"trustsLambda": false})]}
}

test_message_names_the_statement_and_its_sid if {
	d := doc([lambda, object.union(p("aws-account", "111122223333", true, true), {"statementIndex": 1, "sid": "PartnerAudit"})], false)
	some f in execution_role_trust.findings with input as d
	f.message == "Execution role app can also be assumed by aws-account 111122223333 (Statement[1] \"PartnerAudit\"; with a restricting condition)"
}

test_cognito_guests_are_critical if {
	guests := object.union(p("federated", "cognito-identity.amazonaws.com", false, false), {"guests": true})
	some f in execution_role_trust.findings with input as doc([lambda, guests], false)
	f.severity == "critical"
	f.message == "Execution role app can also be assumed by federated cognito-identity.amazonaws.com (Statement[0]; its unauthenticated identities: anyone who asks the identity pool)"
}

test_wildcard_pinned_to_the_own_account_is_medium if {
	own := object.union(p("wildcard", "*", false, true), {"ownAccountOnly": true})
	some f in execution_role_trust.findings with input as doc([lambda, own], false)
	f.severity == "medium"
}

# A template's or plan's role is named as the user's code names it (displayName).
test_iac_role_is_named_as_written if {
	d := doc([lambda, p("wildcard", "*", false, false)], false)
	some f in execution_role_trust.findings with input as {"roles": [object.union(d.roles[0], {"displayName": "Orders/Api/ServiceRole"})]}
	f.message == "Execution role Orders/Api/ServiceRole can also be assumed by wildcard * (Statement[0])"
	f.resource.name == "app"
}
