package leastrole.rules.full_access_managed_policy_test

import data.leastrole.rules.full_access_managed_policy

policy(kind, name, services, pm) := {
	"arn": sprintf("arn:aws:iam::aws:policy/%s", [name]), "name": name, "kind": kind,
	"services": services, "serviceCount": count(services), "permissionsManagement": pm, "statements": [],
}

doc(policies, exec) := {"roles": [{"arn": "arn:aws:iam::123456789012:role/app", "name": "app", "analysis": {"executionRole": exec, "fullAccessPolicies": policies}}]}

test_admin_is_critical if {
	some f in full_access_managed_policy.findings with input as doc([policy("admin", "AdministratorAccess", ["s3"], true)], true)
	f.severity == "critical"
	f.detail == "arn:aws:iam::aws:policy/AdministratorAccess"
	f.message == "Role app has the AWS managed policy AdministratorAccess attached, which grants every action on every resource"
}

test_power_user_is_high if {
	some f in full_access_managed_policy.findings with input as doc([policy("power-user", "PowerUserAccess", ["a", "b", "c"], true)], true)
	f.severity == "high"
	contains(f.message, "every action of 3 services")
}

test_service_wide_with_permissions_management_is_high if {
	some f in full_access_managed_policy.findings with input as doc([policy("service-wide", "AmazonS3FullAccess", ["s3", "s3-object-lambda"], true)], true)
	f.severity == "high"
	endswith(f.message, "every resource of s3, s3-object-lambda")
}

test_service_wide_data_only_is_medium if {
	some f in full_access_managed_policy.findings with input as doc([policy("service-wide", "AmazonSQSFullAccess", ["sqs"], false)], true)
	f.severity == "medium"
}

test_no_full_access_policy_no_finding if {
	count(full_access_managed_policy.findings) == 0 with input as doc([], true)
}

test_non_execution_role_is_skipped if {
	count(full_access_managed_policy.findings) == 0 with input as doc([policy("admin", "AdministratorAccess", [], true)], false)
}

blocked_policy(kind, name, pm, total, blocked) := object.union(policy(kind, name, ["s3"], pm), {"actionCount": total, "blockedActionCount": blocked})

test_all_blocked_by_the_boundary_is_low if {
	some f in full_access_managed_policy.findings with input as doc([blocked_policy("admin", "AdministratorAccess", true, 20000, 20000)], true)
	f.severity == "low"
	f.message == "Role app has the AWS managed policy AdministratorAccess attached, which grants every action on every resource; the permissions boundary or a Deny blocks all of them"
	f.evidence.blockedActionCount == 20000
}

test_partly_blocked_keeps_its_severity_and_says_so if {
	some f in full_access_managed_policy.findings with input as doc([blocked_policy("admin", "AdministratorAccess", true, 20000, 400)], true)
	f.severity == "critical"
	endswith(f.message, "; the permissions boundary or a Deny blocks 400 of its 20000 actions")
}

test_nothing_blocked_says_nothing if {
	some f in full_access_managed_policy.findings with input as doc([blocked_policy("service-wide", "AmazonSQSFullAccess", false, 30, 0)], true)
	f.severity == "medium"
	f.message == "Role app has the AWS managed policy AmazonSQSFullAccess attached, which grants every action on every resource of s3"
}

# A template's or plan's role is named as the user's code names it (displayName); the AWS managed
# policy keeps its name, which the user wrote in its ARN.
test_iac_role_is_named_as_written if {
	d := doc([policy("admin", "AdministratorAccess", ["s3"], true)], true)
	some f in full_access_managed_policy.findings with input as {"roles": [object.union(d.roles[0], {"displayName": "aws_iam_role.app"})]}
	f.message == "Role aws_iam_role.app has the AWS managed policy AdministratorAccess attached, which grants every action on every resource"
	f.detail == "arn:aws:iam::aws:policy/AdministratorAccess"
}
