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
