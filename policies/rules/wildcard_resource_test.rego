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
	# xray:PutTraceSegments and friends support no resource-level permissions; cloudwatch:PutMetricData
	# (SAM's CloudWatchPutMetricPolicy) has one optional resource type that an ordinary call does not
	# name: the analysis counts neither (src/analysis/grants.ts, namesNoResource).
	count(wildcard_resource.findings) == 0 with input as h.doc([h.grant({"starResource": true, "actionCount": 2, "resourceLevelActionsOnStarCount": 0})], true)
}

test_only_the_scopable_actions_of_a_mixed_statement_are_named if {
	# Allow [cloudwatch:PutMetricData, comprehend:DetectEntities, dynamodb:GetItem] on "*", as the
	# analysis describes it: three actions, one of them scopable.
	fs := wildcard_resource.findings with input as h.doc([h.grant({"starResource": true, "actionCount": 3, "resourceLevelActionsOnStarCount": 1, "resourceLevelActionsOnStar": ["dynamodb:GetItem"]})], true)
	count(fs) == 1
	some f in fs
	f.evidence.actions == ["dynamodb:GetItem"]
	f.evidence.actionCount == 1
	endswith(f.message, "grants 1 action on Resource \"*\" that can be scoped to specific resources (dynamodb:GetItem)")
}

test_scoped_resource_is_not_reported if {
	count(wildcard_resource.findings) == 0 with input as h.doc([h.grant({"starResource": false})], true)
}

test_aws_managed_is_skipped if {
	count(wildcard_resource.findings) == 0 with input as h.doc([h.grant({"awsManaged": true, "starResource": true, "resourceLevelActionsOnStarCount": 3})], true)
}
