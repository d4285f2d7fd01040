package leastrole.rules.wildcard_resource_test

import data.leastrole.rules.wildcard_action_test as h
import data.leastrole.rules.wildcard_resource

test_resource_level_actions_on_star_are_medium if {
	fs := wildcard_resource.findings with input as h.doc([h.grant({"starResource": true, "resourceLevelActionsOnStarCount": 7, "resourceLevelActionsOnStar": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "s3:GetObject", "s3:PutObject", "sqs:SendMessage"]})], true)
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.evidence.actionCount == 7
	endswith(f.message, "(dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query, dynamodb:Scan, s3:GetObject and 2 more)")
}

test_conditions_lower_to_low if {
	some f in wildcard_resource.findings with input as h.doc([h.grant({"starResource": true, "hasConditions": true, "resourceLevelActionsOnStarCount": 1, "resourceLevelActionsOnStar": ["s3:GetObject"]})], true)
	f.severity == "low"
	endswith(f.message, "(s3:GetObject)")
}

test_star_with_only_unscopable_actions_is_not_reported if {
	# xray:PutTraceSegments and friends support no resource-level permissions.
	count(wildcard_resource.findings) == 0 with input as h.doc([h.grant({"starResource": true, "resourceLevelActionsOnStarCount": 0})], true)
}

test_scoped_resource_is_not_reported if {
	count(wildcard_resource.findings) == 0 with input as h.doc([h.grant({"starResource": false})], true)
}

test_aws_managed_is_skipped if {
	count(wildcard_resource.findings) == 0 with input as h.doc([h.grant({"awsManaged": true, "starResource": true, "resourceLevelActionsOnStarCount": 3})], true)
}
