# METADATA
# title: AWS managed policy with write access to every resource
# description: |
#   An AWS managed policy attached to an execution role grants, on every resource, write or
#   permissions-management actions that AWS lets you scope to named resources (AmazonVPCFullAccess:
#   change the VPCs, subnets, route tables and security groups of the whole account; AWSLambdaRole:
#   invoke every function of the account). It is
#   not full access to a service (LR004 judges those) and not one of the policies AWS documents for
#   Lambda features (AWSLambdaBasicExecutionRole, AWSLambdaSQSQueueExecutionRole, X-Ray …), whose
#   grants the configuration rules judge. An AWS managed policy cannot be edited, only replaced, so
#   there is one finding per policy. Severity medium, as LR003 on a customer statement of the same
#   breadth; high when the actions include permissions management (key policies, ACLs, IAM); one
#   step lower when every statement that grants them has a condition the analysis could not settle.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
#     description: AWS managed policies
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/permissions-managed-policies.html
#     description: AWS managed policies for Lambda features
#   - ref: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
#     description: Which actions support resource-level permissions
# custom:
#   id: LR021
#   name: broad-managed-policy
#   severity: medium
#   category: least-privilege
#   remediation: |
#     Detach the managed policy. For a role that functions run with, attach a customer managed or
#     inline policy that grants the actions they use on the resources they use (`leastrole generate`
#     writes it from usage); a role that no function uses needs none: delete the role, or leave it
#     without the policy until a function uses it.
package leastrole.rules.broad_managed_policy

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := [finding |
	some role in analysis.execution_roles
	some p in role.analysis.broadManagedPolicies
	finding := {
		"resource": analysis.role_resource(role),
		"detail": p.arn,
		"severity": severity(p),
		"message": text.format("Role %s has the AWS managed policy %s attached, which grants %s on every resource that could be scoped to named resources (%s%s)", [
			analysis.display_name(role), p.name, analysis.counted(p.actionCount, "write action"),
			concat(", ", array.slice(p.actions, 0, 5)),
			analysis.more(p.actionCount, 5),
		]),
		"evidence": {
			"policy": p.arn,
			"actionCount": p.actionCount,
			"blockedActionCount": p.blockedActionCount,
			"actions": p.actions,
			"services": p.services,
			"permissionsManagement": p.permissionsManagement,
			"permissionsManagementActions": p.permissionsManagementActions,
			"conditional": p.conditional,
			"statements": p.statements,
		},
	}
]

base(p) := "high" if p.permissionsManagement

base(p) := "medium" if not p.permissionsManagement

severity(p) := base(p) if not p.conditional

severity(p) := lower[base(p)] if p.conditional

lower := {"high": "medium", "medium": "low"}
