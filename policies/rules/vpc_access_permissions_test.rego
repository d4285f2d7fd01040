package leastrole.rules.vpc_access_permissions_test

import data.leastrole.rules.missing_log_permissions_test as h
import data.leastrole.rules.vpc_access_permissions

vpc_reqs(decision) := [h.req("vpc", "vpc-1", a, decision, true) | some a in ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces"]]

test_vpc_function_without_eni_permissions if {
	fs := vpc_access_permissions.findings with input as {"functions": [h.fn(vpc_reqs("implicit-deny"), {"vpc": {"vpcId": "vpc-1", "subnetIds": ["subnet-1"], "securityGroupIds": []}})]}
	count(fs) == 1
	some f in fs
	f.detail == "missing"
	f.severity == "medium"
	f.message == "Function api runs in VPC vpc-1 but its execution role does not allow ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces"
}

# A role with AWSLambdaENIManagementAccess (the five ENI actions, no ec2:DescribeSubnets): Lambda's
# guide lists DescribeSubnets too, but such roles run VPC functions, so it is info and "may".
test_vpc_function_without_only_describe_subnets if {
	reqs := array.concat(vpc_reqs("allowed"), [h.req("vpc", "vpc-1", "ec2:DescribeSubnets", "implicit-deny", false)])
	fs := vpc_access_permissions.findings with input as {"functions": [h.fn(reqs, {"vpc": {"vpcId": "vpc-1", "subnetIds": ["subnet-1"], "securityGroupIds": []}})]}
	count(fs) == 1
	some f in fs
	f.severity == "info"
	f.evidence.missing == ["ec2:DescribeSubnets"]
	startswith(f.message, "Function api runs in VPC vpc-1 but its execution role does not allow ec2:DescribeSubnets, which Lambda's guide lists")
	contains(f.message, "Lambda may need it")
}

# With an essential action missing too, it is listed with them at medium, without the "may".
test_vpc_function_without_eni_permissions_or_describe_subnets if {
	reqs := array.concat(vpc_reqs("implicit-deny"), [h.req("vpc", "vpc-1", "ec2:DescribeSubnets", "implicit-deny", false)])
	fs := vpc_access_permissions.findings with input as {"functions": [h.fn(reqs, {"vpc": {"vpcId": "vpc-1", "subnetIds": ["subnet-1"], "securityGroupIds": []}})]}
	some f in fs
	f.severity == "medium"
	f.message == "Function api runs in VPC vpc-1 but its execution role does not allow ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DescribeSubnets"
}

test_vpc_function_with_permissions if {
	count(vpc_access_permissions.findings) == 0 with input as {"functions": [h.fn(vpc_reqs("allowed"), {"vpc": {"vpcId": "vpc-1", "subnetIds": ["subnet-1"], "securityGroupIds": []}})]}
}

test_non_vpc_function_carrying_eni_permissions if {
	f0 := h.fn([], {})
	fn := object.union(f0, {"analysis": object.union(f0.analysis, {"unneededCapabilities": [{"purpose": "vpc", "actions": ["ec2:CreateNetworkInterface"], "statements": []}]})})
	some f in vpc_access_permissions.findings with input as {"functions": [fn]}
	f.detail == "unneeded"
	f.severity == "low"
	contains(f.message, "is not in a VPC but its execution role allows ec2:CreateNetworkInterface")
}

test_unneeded_tracing_is_not_a_vpc_finding if {
	f0 := h.fn([], {})
	fn := object.union(f0, {"analysis": object.union(f0.analysis, {"unneededCapabilities": [{"purpose": "tracing", "actions": ["xray:PutTraceSegments"], "statements": []}]})})
	count(vpc_access_permissions.findings) == 0 with input as {"functions": [fn]}
}

# Only a published version is in the VPC ($LATEST was moved out): the requirement names it, and the
# finding does not need `$LATEST`'s VpcConfig (null here).
test_a_version_in_a_vpc_without_eni_permissions if {
	reqs := [h.req("vpc", "vpc-2 (version 3)", "ec2:CreateNetworkInterface", "implicit-deny", true)]
	fs := vpc_access_permissions.findings with input as {"functions": [h.fn(reqs, {"vpc": null, "versions": [{"version": "3", "roleArn": "arn:aws:iam::123456789012:role/api", "vpc": {"vpcId": "vpc-2", "subnetIds": ["subnet-2"], "securityGroupIds": []}}]})]}
	count(fs) == 1
	some f in fs
	f.message == "Function api runs in VPC vpc-2 (version 3) but its execution role does not allow ec2:CreateNetworkInterface"
	f.evidence.vpcId == null
	f.evidence.vpc == "vpc-2 (version 3)"
}

# IaC knows a function's subnets and security groups but not its VPC's ID (a template or plan
# gives the subnets; the VPC is theirs): the requirement's subject is then the placeholder `vpc`,
# and the message names the subnets, never "VPC vpc".
unknown_vpc_reqs(subject) := [h.req("vpc", subject, a, "implicit-deny", true) | some a in ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"]]

test_iac_function_in_a_vpc_whose_id_is_unknown if {
	vpc := {"vpcId": null, "subnetIds": ["subnet-0a1b", "${PrivateSubnetB}"], "securityGroupIds": ["sg-1"]}
	fs := vpc_access_permissions.findings with input as {"functions": [h.fn(unknown_vpc_reqs("vpc"), {"vpc": vpc})]}
	count(fs) == 1
	some f in fs
	f.message == "Function api runs in a VPC (subnets subnet-0a1b, ${PrivateSubnetB}) but its execution role does not allow ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface"
}

test_iac_function_with_security_groups_only if {
	vpc := {"vpcId": null, "subnetIds": [], "securityGroupIds": ["sg-1", "sg-2"]}
	some f in vpc_access_permissions.findings with input as {"functions": [h.fn(unknown_vpc_reqs("vpc"), {"vpc": vpc})]}
	f.message == "Function api runs in a VPC (security groups sg-1, sg-2) but its execution role does not allow ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface"
}

test_iac_version_in_a_vpc_whose_id_is_unknown if {
	version := {"version": "3", "roleArn": "arn:aws:iam::123456789012:role/api", "vpc": {"vpcId": null, "subnetIds": ["subnet-2"], "securityGroupIds": []}}
	some f in vpc_access_permissions.findings with input as {"functions": [h.fn(unknown_vpc_reqs("vpc (version 3)"), {"vpc": null, "versions": [version]})]}
	f.message == "Function api runs in a VPC (subnets subnet-2; version 3) but its execution role does not allow ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface"
}

test_module_role_without_its_network_policy_names_the_input if {
	some f in vpc_access_permissions.findings with input as {"functions": [h.fn(vpc_reqs("implicit-deny"), {"vpc": {"vpcId": "vpc-1", "subnetIds": ["subnet-1"], "securityGroupIds": []}})], "roles": [h.module_role(["logs"])]}
	f.message == "Function api runs in VPC vpc-1 but its execution role does not allow ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces. Its role is made by the terraform-aws-modules/lambda call module.api: set attach_network_policy = true there, which attaches the module's copy of AWSLambdaENIManagementAccess"
}

test_module_role_whose_network_policy_is_unneeded_names_the_input if {
	f0 := h.fn([], {})
	fn := object.union(f0, {"analysis": object.union(f0.analysis, {"unneededCapabilities": [{"purpose": "vpc", "actions": ["ec2:CreateNetworkInterface"], "statements": []}]})})
	some with_attachment in vpc_access_permissions.findings with input as {"functions": [fn], "roles": [h.module_role(["logs", "vpc"])]}
	with_attachment.message == "Function api is not in a VPC but its execution role allows ec2:CreateNetworkInterface. Its role is made by the terraform-aws-modules/lambda call module.api: set attach_network_policy = false there (its default)"

	# Granted by another statement of the call (policy_statements): not the input's to turn off.
	some elsewhere in vpc_access_permissions.findings with input as {"functions": [fn], "roles": [h.module_role(["additional_inline"])]}
	elsewhere.message == "Function api is not in a VPC but its execution role allows ec2:CreateNetworkInterface"
}

# A template's or plan's function is named as the user's code names it (displayName), in both findings.
test_iac_function_is_named_as_written if {
	some f in vpc_access_permissions.findings with input as {"functions": [h.fn(vpc_reqs("implicit-deny"), {"displayName": "Orders/Api", "vpc": {"vpcId": "vpc-1", "subnetIds": ["subnet-1"], "securityGroupIds": []}})]}
	startswith(f.message, "Function Orders/Api runs in VPC vpc-1 but")
	f0 := h.fn([], {"displayName": "Orders/Api"})
	fn := object.union(f0, {"analysis": object.union(f0.analysis, {"unneededCapabilities": [{"purpose": "vpc", "actions": ["ec2:CreateNetworkInterface"], "statements": []}]})})
	some g in vpc_access_permissions.findings with input as {"functions": [fn]}
	startswith(g.message, "Function Orders/Api is not in a VPC but")
	g.resource.name == "api"
}
