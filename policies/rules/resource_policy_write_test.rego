package leastrole.rules.resource_policy_write_test

import data.leastrole.rules.resource_policy_write

s3_full := "arn:aws:iam::aws:policy/AmazonS3FullAccess"

bucket := "arn:aws:s3:::orders"

queue := "arn:aws:sqs:us-east-1:123456789012:orders"

grant(action, resources, by, conditional) := {"action": action, "resources": resources, "grantedBy": by, "conditional": conditional}

doc(sensitive, full, exec) := {"roles": [{
	"arn": "arn:aws:iam::123456789012:role/app", "name": "app",
	"facts": {"sensitiveActions": sensitive},
	"analysis": {"executionRole": exec, "fullAccessPolicies": [{"arn": a} | some a in full]},
}]}

test_bucket_policy_on_every_bucket_is_high if {
	some f in resource_policy_write.findings with input as doc([grant("s3:PutBucketPolicy", ["*"], ["inline:app"], false)], [], true)
	f.severity == "high"
	f.resource.name == "app"
	f.message == "Role app can change who may access resources: s3:PutBucketPolicy (S3 bucket, every resource)"
	f.evidence.actions == [{
		"action": "s3:PutBucketPolicy", "resourceType": "S3 bucket", "resources": ["*"],
		"everyResource": true, "conditional": false, "grantedBy": ["inline:app"],
	}]
	f.evidence.conditional == false
}

test_every_resource_of_the_type_is_broad if {
	some f in resource_policy_write.findings with input as doc([grant("sqs:SetQueueAttributes", ["arn:aws:sqs:*:*:*"], ["inline:app"], false)], [], true)
	f.severity == "high"
	some g in resource_policy_write.findings with input as doc([grant("kms:PutKeyPolicy", ["arn:aws:kms:us-east-1:123456789012:key/*"], ["inline:app"], false)], [], true)
	g.severity == "high"
}

test_named_resource_is_medium if {
	some f in resource_policy_write.findings with input as doc([grant("sqs:SetQueueAttributes", [queue], ["inline:app"], false)], [], true)
	f.severity == "medium"
	f.message == "Role app can change who may access resources: sqs:SetQueueAttributes (SQS queue, 1 resource)"
	some a in f.evidence.actions
	a.everyResource == false
}

test_acl_writes_are_one_step_lower if {
	some f in resource_policy_write.findings with input as doc([grant("s3:PutObjectAcl", ["arn:aws:s3:::orders/*"], ["inline:app"], false)], [], true)
	f.severity == "low"
	f.message == "Role app can change who may access resources: s3:PutObjectAcl (S3 object, 1 resource)"
	some g in resource_policy_write.findings with input as doc([grant("s3:PutBucketAcl", ["*"], ["inline:app"], false)], [], true)
	g.severity == "medium"
	some h in resource_policy_write.findings with input as doc([grant("s3:PutObjectVersionAcl", ["*"], ["inline:app"], true)], [], true)
	h.severity == "info"
}

test_one_finding_per_role_with_every_action_and_the_worst_severity if {
	findings := resource_policy_write.findings with input as doc(
		[
			grant("s3:PutBucketPolicy", [bucket], ["inline:app"], false),
			grant("sns:SetTopicAttributes", ["*"], ["inline:app"], true),
			grant("sqs:SetQueueAttributes", [queue, "arn:aws:sqs:us-east-1:123456789012:dlq"], ["inline:app"], false),
		],
		[], true,
	)
	count(findings) == 1
	some f in findings
	f.severity == "medium"
	f.message == "Role app can change who may access resources: s3:PutBucketPolicy (S3 bucket, 1 resource), sns:SetTopicAttributes (SNS topic, every resource, with a condition), sqs:SetQueueAttributes (SQS queue, 2 resources)"
	[a.action | some a in f.evidence.actions] == ["s3:PutBucketPolicy", "sns:SetTopicAttributes", "sqs:SetQueueAttributes"]
	f.evidence.conditional == false
}

test_conditional_grants_only_are_low if {
	some f in resource_policy_write.findings with input as doc([grant("kms:CreateGrant", ["*"], ["inline:app"], true)], [], true)
	f.severity == "low"
	f.evidence.conditional == true
}

test_full_access_policy_alone_is_left_to_lr004 if {
	count(resource_policy_write.findings) == 0 with input as doc([grant("s3:PutBucketPolicy", ["*"], [s3_full], false)], [s3_full], true)
}

test_full_access_policy_with_another_grant_is_reported if {
	some f in resource_policy_write.findings with input as doc([grant("s3:PutBucketPolicy", ["*"], ["inline:app", s3_full], false)], [s3_full], true)
	f.severity == "high"
}

test_other_sensitive_actions_are_ignored if {
	count(resource_policy_write.findings) == 0 with input as doc(
		[
			grant("s3:GetObject", ["*"], ["inline:app"], false),
			grant("iam:PassRole", ["*"], ["inline:app"], false),
		],
		[], true,
	)
}

test_non_execution_role_is_skipped if {
	count(resource_policy_write.findings) == 0 with input as doc([grant("s3:PutBucketPolicy", ["*"], ["inline:app"], false)], [], false)
}

test_s3_writes_only_on_the_resources_they_can_name if {
	objects_only := resource_policy_write.findings with input as doc(
		[
			grant("s3:PutBucketPolicy", ["arn:aws:s3:::orders/*"], ["inline:app"], false),
			grant("s3:PutObjectAcl", ["arn:aws:s3:::orders/*"], ["inline:app"], false),
		],
		[], true,
	)
	[[a.action, a.resources] | some f in objects_only; some a in f.evidence.actions] == [["s3:PutObjectAcl", ["arn:aws:s3:::orders/*"]]]
	some f in objects_only
	f.severity == "low"
	bucket_and_objects := resource_policy_write.findings with input as doc(
		[
			grant("s3:PutBucketAcl", [bucket, "arn:aws:s3:::orders/*"], ["inline:app"], false),
			grant("s3:PutObjectAcl", [bucket, "arn:aws:s3:::orders/*", "arn:aws:s3:::logs*"], ["inline:app"], false),
		],
		[], true,
	)
	[[a.action, a.resources] | some g in bucket_and_objects; some a in g.evidence.actions] == [
		["s3:PutBucketAcl", [bucket]],
		["s3:PutObjectAcl", ["arn:aws:s3:::orders/*", "arn:aws:s3:::logs*"]],
	]
	count(resource_policy_write.findings) == 0 with input as doc([grant("s3:PutObjectAcl", [bucket], ["inline:app"], false)], [], true)
}

test_every_bucket_pattern_names_buckets_and_objects if {
	some f in resource_policy_write.findings with input as doc(
		[
			grant("s3:PutBucketPolicy", ["arn:aws:s3:::*", "*"], ["inline:app"], false),
			grant("s3:PutObjectAcl", ["arn:aws:s3:::*"], ["inline:app"], false),
		],
		[], true,
	)
	f.severity == "high"
	[[a.action, a.resources] | some a in f.evidence.actions] == [["s3:PutBucketPolicy", ["arn:aws:s3:::*", "*"]], ["s3:PutObjectAcl", ["arn:aws:s3:::*"]]]
}

test_access_point_policy_needs_an_access_point_pattern if {
	count(resource_policy_write.findings) == 0 with input as doc([grant("s3:PutAccessPointPolicy", [bucket, "arn:aws:s3:::orders/*"], ["inline:app"], false)], [], true)
	some f in resource_policy_write.findings with input as doc([grant("s3:PutAccessPointPolicy", ["arn:aws:s3:us-east-1:123456789012:accesspoint/*", bucket], ["inline:app"], false)], [], true)
	f.severity == "high"
	[a.resources | some a in f.evidence.actions] == [["arn:aws:s3:us-east-1:123456789012:accesspoint/*"]]
}

test_dynamodb_index_patterns_write_no_table_policy if {
	table := "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
	count(resource_policy_write.findings) == 0 with input as doc([grant("dynamodb:PutResourcePolicy", [sprintf("%s/index/*", [table])], ["inline:app"], false)], [], true)
	some f in resource_policy_write.findings with input as doc([grant("dynamodb:PutResourcePolicy", [table, sprintf("%s/index/*", [table]), sprintf("%s/stream/*", [table])], ["inline:app"], false)], [], true)
	[a.resources | some a in f.evidence.actions] == [[table, sprintf("%s/stream/*", [table])]]
}

# The facts' `conditional` is for every resource of the action; once the S3 narrowing has left out
# the object patterns, only the conditional bucket grant remains: low, as if it were alone.
test_conditional_after_narrowing_is_low if {
	g := object.union(grant("s3:PutBucketPolicy", [bucket, "arn:aws:s3:::orders/*"], ["inline:app"], false), {"conditionalResources": [bucket]})
	some f in resource_policy_write.findings with input as doc([g], [], true)
	f.severity == "low"
	f.evidence.conditional == true
	f.evidence.actions == [{
		"action": "s3:PutBucketPolicy", "resourceType": "S3 bucket", "resources": [bucket],
		"everyResource": false, "conditional": true, "grantedBy": ["inline:app"],
	}]
}

# Every bucket under a condition, one named bucket without: the named bucket's severity (medium),
# not every bucket's (high); the evidence still says every resource.
test_every_resource_under_a_condition_beside_a_named_one_is_medium if {
	g := object.union(grant("s3:PutBucketPolicy", ["*", bucket], ["inline:app"], false), {"conditionalResources": ["*"]})
	some f in resource_policy_write.findings with input as doc([g], [], true)
	f.severity == "medium"
	f.evidence.conditional == false
	some a in f.evidence.actions
	a.everyResource == true
	a.conditional == false
}

# A template's or plan's role is named as the user's code names it (displayName).
test_iac_role_is_named_as_written if {
	d := doc([grant("s3:PutBucketPolicy", ["*"], ["inline:app"], false)], [], true)
	some f in resource_policy_write.findings with input as {"roles": [object.union(d.roles[0], {"displayName": "AppRole"})]}
	f.message == "Role AppRole can change who may access resources: s3:PutBucketPolicy (S3 bucket, every resource)"
	f.resource.name == "app"
}
