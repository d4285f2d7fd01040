# METADATA
# title: VPC network-interface permissions missing or unneeded
# description: |
#   A function attached to a VPC needs its execution role to manage elastic network interfaces
#   (ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface,
#   AssignPrivateIpAddresses, UnassignPrivateIpAddresses); without them Lambda cannot create or
#   update the function's network interfaces and the function fails (medium). Lambda's guide also
#   lists ec2:DescribeSubnets, which AWSLambdaVPCAccessExecutionRole grants since 2024 but older
#   roles lack: missing alone, Lambda may need it (info: AWS's own AWSLambdaENIManagementAccess lacks it). `$LATEST` and each
#   published version running with the role count: a version keeps the VpcConfig it was published
#   with. Conversely, a role none of whose functions or versions is in a VPC but that carries these
#   permissions lets a compromised
#   function create and delete network interfaces in any subnet for no reason (low). Decided by the
#   IAM engine; a role with an unresolved policy is reported at info.
# related_resources:
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
#     description: Execution role permissions for VPC functions
#   - ref: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html
#     description: AWSLambdaVPCAccessExecutionRole
# custom:
#   id: LR006
#   name: vpc-access-permissions
#   severity: medium
#   category: configuration
#   remediation: |
#     For a VPC function, attach AWSLambdaVPCAccessExecutionRole (or allow the six ec2 actions of
#     Lambda's guide on `*`). For a function outside any VPC, remove them (detach AWSLambdaVPCAccessExecutionRole).
package leastrole.rules.vpc_access_permissions

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := array.concat(missing_findings, unneeded_findings)

missing_findings := [finding |
	some fn in input.functions
	fn.analysis.roleFound
	missing := analysis.missing(fn, {"vpc"})
	count(missing) > 0
	actions := analysis.actions_of(missing)
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": "missing",
		"severity": severity_missing(essential_missing(missing), fn.analysis.roleIncomplete),
		"message": text.format("Function %s runs in %s but its execution role does not allow %s%s%s", [
			analysis.display_name(fn), vpc_text(fn, missing[0].subject), concat(", ", actions),
			only_discovery_text(essential_missing(missing)),
			analysis.lambda_module_turn_on(fn, "vpc", "set attach_network_policy = true there, which attaches the module's copy of AWSLambdaENIManagementAccess"),
		]),
		"evidence": {
			# `$LATEST`'s VPC; the requirement's subject names a published version's when only it is in one.
			"vpcId": latest_vpc_id(fn),
			"vpc": missing[0].subject,
			"roleArn": fn.roleArn,
			"missing": actions,
			"roleIncomplete": fn.analysis.roleIncomplete,
		},
	}
]

unneeded_findings := [finding |
	some fn in input.functions
	some cap in fn.analysis.unneededCapabilities
	cap.purpose == "vpc"
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": "unneeded",
		"severity": "low",
		"message": text.format("Function %s is not in a VPC but its execution role allows %s%s", [analysis.display_name(fn), concat(", ", cap.actions), unneeded_advice(fn)]),
		"evidence": {"roleArn": fn.roleArn, "actions": cap.actions, "statements": cap.statements},
	}
]

# The VPC the requirement names: "VPC vpc-0abc" (or "VPC vpc-0abc (version 3)"). IaC gives a
# function's subnets and security groups, not its VPC's ID, and the requirement's subject is then
# the placeholder `vpc`: named by what is known, "a VPC (subnets subnet-1, subnet-2)", never "VPC vpc".
vpc_text(_, subject) := text.format("VPC %s", [subject]) if {
	subject != "vpc"
	not startswith(subject, "vpc (version ")
}

vpc_text(fn, "vpc") := text.format("a VPC%s", [members_text(fn.vpc, "")])

vpc_text(fn, subject) := text.format("a VPC%s", [members_text(object.get(v, "vpc", fn.vpc), text.format("version %s", [v.version]))]) if {
	some v in object.get(fn, "versions", [])
	subject == text.format("vpc (version %s)", [v.version])
}

# " (subnets a, b)", else " (security groups sg-1)", then `extra` after a semicolon; empty when nothing is known.
members_text(vpc, extra) := parenthesised([part | some part in [members_part(vpc), extra]; part != ""])

members_part(vpc) := text.format("subnets %s", [concat(", ", vpc.subnetIds)]) if {
	is_object(vpc)
	count(object.get(vpc, "subnetIds", [])) > 0
} else := text.format("security groups %s", [concat(", ", vpc.securityGroupIds)]) if {
	is_object(vpc)
	count(object.get(vpc, "securityGroupIds", [])) > 0
} else := ""

parenthesised(parts) := text.format(" (%s)", [concat("; ", parts)]) if count(parts) > 0

else := ""

latest_vpc_id(fn) := fn.vpc.vpcId if {
	is_object(fn.vpc)
} else := null

# The module's network policy is what grants them: its input turns it off. "" when they come from elsewhere.
unneeded_advice(fn) := analysis.lambda_module_advice(fn, "set attach_network_policy = false there (its default)") if analysis.lambda_module_attaches(fn, "vpc")

else := ""

# ec2:DescribeSubnets is required but not essential (src/analysis/requirements.ts,
# VPC_SUBNET_DISCOVERY): the Lambda Developer Guide lists it with the five ENI actions
# (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions)
# and AWSLambdaVPCAccessExecutionRole grants it since v3 (2024), but AWSLambdaENIManagementAccess and
# older roles lack it and their VPC functions run: missing alone, it is "may" (info), not "cannot": a low finding would
# tell every role with AWS's own ENI policy to grow, against the observed need.
essential_missing(missing) := count([r | some r in missing; r.essential]) > 0

only_discovery_text(true) := ""

only_discovery_text(false) := ", which Lambda's guide lists with the network-interface actions (AWSLambdaVPCAccessExecutionRole grants it since its 2024 version; AWSLambdaENIManagementAccess does not): Lambda may need it to manage the function's network interfaces"

severity_missing(_, true) := "info"

severity_missing(true, false) := "medium"

severity_missing(false, false) := "info"
