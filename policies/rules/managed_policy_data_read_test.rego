package leastrole.rules.managed_policy_data_read_test

import data.leastrole.rules.managed_policy_data_read

s3_read := "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"

ssm_role := "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"

grant(action, resources, by, conditional) := {"action": action, "resources": resources, "grantedBy": by, "conditional": conditional}

doc(sensitive, full, exec) := {"roles": [{
	"arn": "arn:aws:iam::123456789012:role/app", "name": "app",
	"facts": {"sensitiveActions": sensitive},
	"analysis": {"executionRole": exec, "fullAccessPolicies": [{"arn": a} | some a in full]},
}]}

test_read_only_managed_policy_on_star_is_medium if {
	some f in managed_policy_data_read.findings with input as doc([grant("s3:GetObject", ["*"], [s3_read], false)], [], true)
	f.severity == "medium"
	f.detail == s3_read
	f.message == "Role app: the AWS managed policy AmazonS3ReadOnlyAccess lets the function read every resource of the account with s3:GetObject"
	f.evidence.resources == ["*"]
	f.evidence.conditional == false
}

test_one_finding_per_policy_with_all_its_actions if {
	findings := managed_policy_data_read.findings with input as doc(
		[
			grant("s3:GetObject", ["*"], [ssm_role], false),
			grant("ssm:GetParameters", ["*"], [ssm_role], false),
			grant("kms:Decrypt", ["arn:aws:kms:us-east-1:123456789012:key/1"], [ssm_role], false),
		],
		[], true,
	)
	count(findings) == 1
	some f in findings
	f.evidence.actions == ["s3:GetObject", "ssm:GetParameters"]
}

test_effectively_star_arns_count if {
	some f in managed_policy_data_read.findings with input as doc([grant("s3:GetObject", ["arn:aws:s3:::*"], ["arn:aws:iam::aws:policy/AWSLambdaExecute"], false)], [], true)
	f.evidence.resources == ["arn:aws:s3:::*"]
	some g in managed_policy_data_read.findings with input as doc([grant("ssm:GetParameter", ["arn:aws:ssm:*:*:parameter/*"], [s3_read], false)], [], true)
	g.detail == s3_read
}

test_named_resources_are_not_everything if {
	count(managed_policy_data_read.findings) == 0 with input as doc(
		[
			grant("s3:GetObject", ["arn:aws:s3:::orders/*"], [s3_read], false),
			grant("ssm:GetParameter", ["arn:aws:ssm:us-east-1:123456789012:parameter/app/*"], [s3_read], false),
		],
		[], true,
	)
}

test_conditional_grants_are_low if {
	some f in managed_policy_data_read.findings with input as doc([grant("kms:Decrypt", ["*"], [s3_read], true)], [], true)
	f.severity == "low"
	f.evidence.conditional == true
}

# Every object only under a condition, one bucket's objects without: reading everything is
# conditional, so low, though the action itself is not.
test_every_resource_only_under_a_condition_is_low if {
	g := object.union(grant("s3:GetObject", ["*", "arn:aws:s3:::orders/*"], [s3_read], false), {"conditionalResources": ["*"]})
	some f in managed_policy_data_read.findings with input as doc([g], [], true)
	f.severity == "low"
	f.evidence.conditional == true
	f.evidence.resources == ["*"]
}

test_every_resource_without_a_condition_stays_medium if {
	g := object.union(grant("s3:GetObject", ["*", "arn:aws:s3:::orders/*"], [s3_read], false), {"conditionalResources": ["arn:aws:s3:::orders/*"]})
	some f in managed_policy_data_read.findings with input as doc([g], [], true)
	f.severity == "medium"
	f.evidence.conditional == false
}

test_full_access_policy_is_left_to_lr004 if {
	count(managed_policy_data_read.findings) == 0 with input as doc([grant("s3:GetObject", ["*"], ["arn:aws:iam::aws:policy/AmazonS3FullAccess"], false)], ["arn:aws:iam::aws:policy/AmazonS3FullAccess"], true)
}

test_customer_policy_grant_is_left_to_lr003 if {
	count(managed_policy_data_read.findings) == 0 with input as doc([grant("s3:GetObject", ["*"], ["inline:app", s3_read], false)], [], true)
}

test_other_actions_are_ignored if {
	count(managed_policy_data_read.findings) == 0 with input as doc([grant("iam:PassRole", ["*"], [s3_read], false)], [], true)
}

test_non_execution_role_is_skipped if {
	count(managed_policy_data_read.findings) == 0 with input as doc([grant("s3:GetObject", ["*"], [s3_read], false)], [], false)
}

test_every_bucket_and_object_patterns_with_any_region_count if {
	some f in managed_policy_data_read.findings with input as doc([grant("s3:GetObject", ["arn:aws:s3:*:*:*/*"], [s3_read], false)], [], true)
	f.evidence.resources == ["arn:aws:s3:*:*:*/*"]
	count(managed_policy_data_read.findings) == 0 with input as doc([grant("s3:GetObject", ["arn:aws:s3:::accesspoint/*"], [s3_read], false)], [], true)
}

test_iac_role_is_named_as_written if {
	d := doc([grant("s3:GetObject", ["*"], [s3_read], false)], [], true)
	some f in managed_policy_data_read.findings with input as {"roles": [object.union(d.roles[0], {"displayName": "AppRole"})]}
	f.message == "Role AppRole: the AWS managed policy AmazonS3ReadOnlyAccess lets the function read every resource of the account with s3:GetObject"
	f.detail == s3_read
}
