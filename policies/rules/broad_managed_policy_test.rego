package leastrole.rules.broad_managed_policy_test

import data.leastrole.rules.broad_managed_policy

policy(name, actions, count, pm, conditional) := {
	"arn": sprintf("arn:aws:iam::aws:policy/%s", [name]), "name": name,
	"actionCount": count, "blockedActionCount": 0, "actions": actions, "services": ["ec2"],
	"permissionsManagement": pm, "permissionsManagementActions": pm_actions(pm, actions), "conditional": conditional,
	"statements": [{"policy": sprintf("arn:aws:iam::aws:policy/%s", [name]), "index": 0, "sid": null}],
}

pm_actions(true, actions) := actions

pm_actions(false, _) := []

doc(policies, exec) := {"roles": [{"arn": "arn:aws:iam::123456789012:role/app", "name": "app", "analysis": {"executionRole": exec, "broadManagedPolicies": policies}}]}

vpc := policy("AmazonVPCFullAccess", ["ec2:AcceptVpcPeeringConnection", "ec2:AllocateAddress", "ec2:AssociateRouteTable", "ec2:AttachInternetGateway", "ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress"], 120, false, false)

test_write_actions_on_every_resource_is_medium if {
	some f in broad_managed_policy.findings with input as doc([vpc], true)
	f.severity == "medium"
	f.detail == "arn:aws:iam::aws:policy/AmazonVPCFullAccess"
	f.message == "Role app has the AWS managed policy AmazonVPCFullAccess attached, which grants 120 write actions on every resource that could be scoped to named resources (ec2:AcceptVpcPeeringConnection, ec2:AllocateAddress, ec2:AssociateRouteTable, ec2:AttachInternetGateway, ec2:AuthorizeSecurityGroupEgress and 115 more)"
	f.evidence.actionCount == 120
	f.evidence.statements[0].index == 0
}

test_permissions_management_is_high if {
	some f in broad_managed_policy.findings with input as doc([policy("AWSKeyManagementServicePowerUser", ["kms:CreateAlias", "kms:PutKeyPolicy"], 2, true, false)], true)
	f.severity == "high"
	endswith(f.message, "(kms:CreateAlias, kms:PutKeyPolicy)")
	f.evidence.permissionsManagementActions == ["kms:CreateAlias", "kms:PutKeyPolicy"]
}

test_one_action_is_singular if {
	some f in broad_managed_policy.findings with input as doc([policy("AWSLambdaRole", ["lambda:InvokeFunction"], 1, false, false)], true)
	f.message == "Role app has the AWS managed policy AWSLambdaRole attached, which grants 1 write action on every resource that could be scoped to named resources (lambda:InvokeFunction)"
}

test_a_condition_lowers_one_step if {
	some f in broad_managed_policy.findings with input as doc([policy("P", ["kms:PutKeyPolicy"], 1, true, true)], true)
	f.severity == "medium"
	some g in broad_managed_policy.findings with input as doc([policy("Q", ["ec2:CreateVpc"], 1, false, true)], true)
	g.severity == "low"
}

test_one_finding_per_policy if {
	count(broad_managed_policy.findings) == 2 with input as doc([vpc, policy("Other", ["ec2:CreateVpc"], 1, false, false)], true)
}

test_nothing_without_broad_policies if {
	count(broad_managed_policy.findings) == 0 with input as doc([], true)
}

test_non_execution_role_is_skipped if {
	count(broad_managed_policy.findings) == 0 with input as doc([vpc], false)
}

test_iac_role_is_named_as_written if {
	d := doc([vpc], true)
	fs := broad_managed_policy.findings with input as {"roles": [object.union(d.roles[0], {"displayName": "module.api.aws_iam_role.this[0]"})]}
	some f in fs
	startswith(f.message, "Role module.api.aws_iam_role.this[0] has the AWS managed policy AmazonVPCFullAccess attached")
	f.resource.name == "app"
}
