# METADATA
# title: AWS managed policy with full or admin access
# description: |
#   An AWS managed policy attached to an execution role grants admin access (every action),
#   power-user access (every action of most services through NotAction), or every action of one or
#   more services on every resource (AmazonDynamoDBFullAccess, AmazonS3FullAccess …). Judged by
#   the policy document's content through the action catalog, not by a list of names, so a renamed
#   or new AWS policy is judged the same way and Lambda's own execution-role policies
#   (AWSLambdaBasicExecutionRole …) are never flagged. Severity: admin critical; power-user high;
#   service-wide high when the services include permissions-management actions (bucket policies,
#   key policies, IAM), medium otherwise.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
#     description: AWS managed policies
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/permissions-managed-policies.html
#     description: AWS managed policies for Lambda features
# custom:
#   id: LR004
#   name: full-access-managed-policy
#   severity: high
#   category: least-privilege
#   remediation: |
#     Detach the managed policy and attach a customer managed or inline policy with only the actions
#     and resources the function uses (`leastrole generate` writes it from usage).
package leastrole.rules.full_access_managed_policy

import data.leastrole.lib.analysis

findings := [finding |
	some role in analysis.execution_roles
	some p in role.analysis.fullAccessPolicies
	finding := {
		"resource": analysis.role_resource(role),
		"detail": p.arn,
		"severity": severity(p),
		"message": message(role, p),
		"evidence": {
			"policy": p.arn,
			"kind": p.kind,
			"services": p.services,
			"serviceCount": p.serviceCount,
			"permissionsManagement": p.permissionsManagement,
			"statements": p.statements,
		},
	}
]

severity(p) := "critical" if p.kind == "admin"

severity(p) := "high" if p.kind == "power-user"

severity(p) := "high" if {
	p.kind == "service-wide"
	p.permissionsManagement
}

severity(p) := "medium" if {
	p.kind == "service-wide"
	not p.permissionsManagement
}

message(role, p) := sprintf("Role %s has the AWS managed policy %s attached, which grants every action on every resource", [role.name, p.name]) if {
	p.kind == "admin"
}

message(role, p) := sprintf("Role %s has the AWS managed policy %s attached, which grants every action of %d services", [role.name, p.name, p.serviceCount]) if {
	p.kind == "power-user"
}

message(role, p) := sprintf("Role %s has the AWS managed policy %s attached, which grants every action on every resource of %s", [role.name, p.name, concat(", ", p.services)]) if {
	p.kind == "service-wide"
}
