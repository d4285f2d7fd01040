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

# A role the CDK makes for one of its own handlers (cdkHandler): the message says the CDK writes
# the grant and what the app can do instead of scoping the role.
cdk_doc(handler) := {"roles": [{
	"arn": "arn:aws:iam::123456789012:role/app", "name": "app", "cdkHandler": handler,
	"analysis": {"executionRole": true, "grants": [h.grant({"starResource": true, "resourceLevelActionsOnStarCount": 2, "resourceLevelActionsOnStar": ["logs:DeleteRetentionPolicy", "logs:PutRetentionPolicy"]})]},
}]}

test_cdk_log_retention_says_use_log_group if {
	fs := wildcard_resource.findings with input as cdk_doc({"kind": "log-retention", "construct": "S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"})
	count(fs) == 1
	some f in fs
	contains(f.message, "(logs:DeleteRetentionPolicy, logs:PutRetentionPolicy). The CDK writes this grant for its LogRetention handler S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a,")
	contains(f.message, "give them a logGroup (a logs.LogGroup with its retention) instead of logRetention")
	f.severity == "medium"
	f.detail == "inline:app#0"
}

test_cdk_aws_custom_resource_names_the_construct_whose_policy_it_is if {
	handler := {"kind": "aws-custom-resource", "construct": "S/AWS679f53fac002430cb0da5b7982bd2287", "awsCustomResources": {"inline:other": "S/Other", "inline:app": "S/ReadParam"}}
	some f in wildcard_resource.findings with input as cdk_doc(handler)
	contains(f.message, ". The CDK writes this grant for the AwsCustomResource S/ReadParam from its policy")
	contains(f.message, "AwsCustomResourcePolicy.fromSdkCalls({ resources: [...] })")
}

test_cdk_aws_custom_resource_policy_without_construct_names_the_handler if {
	some f in wildcard_resource.findings with input as cdk_doc({"kind": "aws-custom-resource", "construct": "S/AWS679f53fac002430cb0da5b7982bd2287", "awsCustomResources": {"inline:other": "S/Other"}})
	contains(f.message, ". The role is the CDK's AwsCustomResource handler S/AWS679f53fac002430cb0da5b7982bd2287, shared by")
}

test_cdk_bucket_notifications_and_providers_say_suppress if {
	some f in wildcard_resource.findings with input as cdk_doc({"kind": "bucket-notifications", "construct": "S/BucketNotificationsHandler050a0587b7544547bf325f094a3db834"})
	contains(f.message, "for its BucketNotificationsHandler S/BucketNotificationsHandler050a0587b7544547bf325f094a3db834,")
	contains(f.message, "suppress the finding on this role with that reason")
	some g in wildcard_resource.findings with input as cdk_doc({"kind": "custom-resource-provider", "construct": "S/Custom::S3AutoDeleteObjectsCustomResourceProvider"})
	contains(g.message, "custom resource provider S/Custom::S3AutoDeleteObjectsCustomResourceProvider,")
}

test_other_roles_get_no_cdk_advice if {
	some f in wildcard_resource.findings with input as h.doc([h.grant({"starResource": true, "resourceLevelActionsOnStarCount": 1, "resourceLevelActionsOnStar": ["s3:GetObject"]})], true)
	not contains(f.message, "CDK")
	endswith(f.message, "(s3:GetObject)")
}

test_cdk_singleton_function_says_where_to_scope if {
	some f in wildcard_resource.findings with input as cdk_doc({"kind": "singleton-function", "construct": "S/SingletonLambda6e4a2b1f0c7d4e9a8b3c5d7e9f1a2b3c"})
	contains(f.message, ". The role is the singleton function S/SingletonLambda6e4a2b1f0c7d4e9a8b3c5d7e9f1a2b3c's (a construct id ending in a 32-hex UUID")
}

test_iac_names_are_the_users if {
	fs := wildcard_resource.findings with input as h.iac_doc([h.grant({"starResource": true, "resourceLevelActionsOnStarCount": 1, "resourceLevelActionsOnStar": ["s3:GetObject"]})])
	count(fs) == 1
	some f in fs
	f.message == "Role Stack/App/ServiceRole: Stack/App/ServiceRole/DefaultPolicy Statement[0] grants 1 action on Resource \"*\" that can be scoped to specific resources (s3:GetObject)"
	f.resource.name == "Stack-AppServiceRole1A2B3C-XYZ"
	f.detail == "inline:app#0"
}

# A policy the user wrote inside the role (its Policies, a Terraform inline_policy block) has no
# display name of its own: it keeps its reference.
test_policy_without_display_name_keeps_its_reference if {
	fs := wildcard_resource.findings with input as h.iac_doc([h.grant({"policy": "inline:other", "starResource": true, "resourceLevelActionsOnStarCount": 1, "resourceLevelActionsOnStar": ["s3:GetObject"]})])
	some f in fs
	startswith(f.message, "Role Stack/App/ServiceRole: inline:other Statement[0] grants")
}
