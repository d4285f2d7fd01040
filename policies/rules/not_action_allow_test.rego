package leastrole.rules.not_action_allow_test

import data.leastrole.rules.not_action_allow
import data.leastrole.rules.wildcard_action_test as h

test_not_action_is_high if {
	fs := not_action_allow.findings with input as h.doc([h.grant({"notAction": ["iam:*"], "actionCount": 15000})], true)
	count(fs) == 1
	some f in fs
	f.severity == "high"
	f.message == "Role app: inline:app Statement[0] is an Allow with NotAction (grants 15000 actions)"
}

test_not_resource_is_medium if {
	some f in not_action_allow.findings with input as h.doc([h.grant({"notResource": ["arn:aws:s3:::secret/*"]})], true)
	f.severity == "medium"
}

test_both_under_condition if {
	some f in not_action_allow.findings with input as h.doc([h.grant({"notAction": ["iam:*"], "notResource": ["x"], "hasConditions": true})], true)
	f.severity == "medium"
	contains(f.message, "NotAction and NotResource")
}

test_plain_allow_is_not_reported if {
	count(not_action_allow.findings) == 0 with input as h.doc([h.grant({})], true)
}

test_aws_managed_is_skipped if {
	count(not_action_allow.findings) == 0 with input as h.doc([h.grant({"awsManaged": true, "notAction": ["iam:*"]})], true)
}

test_not_action_counts_what_the_role_may_use if {
	g := h.grant({"notAction": ["iam:*"], "actionCount": 1, "blockedActionCount": 21837, "remainingServices": ["s3"]})
	some f in not_action_allow.findings with input as h.doc([g], true)
	f.message == "Role app: inline:app Statement[0] is an Allow with NotAction (grants 1 action the role may use; its Deny statements or permissions boundary block 21837 more)"
}

# A role the CDK makes for one of its own handlers: the message says the CDK writes the grant and
# what the app can do instead (policies/lib/analysis.rego, cdk_handler_advice).
test_cdk_handler_role_says_the_cdk_writes_it if {
	handler := {"kind": "log-retention", "construct": "S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"}
	fs := not_action_allow.findings with input as h.cdk_doc(handler, h.grant({"notResource": ["arn:aws:logs:*:*:log-group:secret"], "actionCount": 2}))
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	startswith(f.message, "Role app: inline:app Statement[0] is an Allow with NotResource (grants 2 actions). The CDK writes this grant for its LogRetention handler S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a,")
	contains(f.message, "give them a logGroup (a logs.LogGroup with its retention) instead of logRetention")
}

test_other_roles_get_no_cdk_advice if {
	some f in not_action_allow.findings with input as h.doc([h.grant({"notResource": ["x"], "actionCount": 2})], true)
	f.message == "Role app: inline:app Statement[0] is an Allow with NotResource (grants 2 actions)"
}

test_iac_names_are_the_users if {
	fs := not_action_allow.findings with input as h.iac_doc([h.grant({"notAction": ["iam:*"], "actionCount": 15000})])
	count(fs) == 1
	some f in fs
	f.message == "Role Stack/App/ServiceRole: Stack/App/ServiceRole/DefaultPolicy Statement[0] is an Allow with NotAction (grants 15000 actions)"
	f.detail == "inline:app#0"
}
