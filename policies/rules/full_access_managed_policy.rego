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
#   key policies, IAM), medium otherwise; low when the role's permissions boundary or a Deny on every
#   resource blocks every action the policy grants (it gives the function nothing today, but one
#   change to the boundary would).
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
#     Detach the managed policy. For a role that functions run with, attach a customer managed or
#     inline policy with only the actions and resources they use (`leastrole generate` writes it
#     from usage); a role that no function uses needs none: delete the role, or leave it without
#     the policy until a function uses it.
package leastrole.rules.full_access_managed_policy

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := [finding |
	some role in analysis.execution_roles
	some p in role.analysis.fullAccessPolicies
	finding := {
		"resource": analysis.role_resource(role),
		"detail": p.arn,
		"severity": severity(p),
		"message": concat("", [message(role, p), blocked_note(p)]),
		"evidence": {
			"policy": p.arn,
			"kind": p.kind,
			"services": p.services,
			"serviceCount": p.serviceCount,
			"permissionsManagement": p.permissionsManagement,
			"actionCount": object.get(p, "actionCount", 0),
			"blockedActionCount": blocked(p),
			"statements": p.statements,
		},
	}
]

# A document written before blockedActionCount existed blocks nothing.
blocked(p) := object.get(p, "blockedActionCount", 0)

# The permissions boundary or a Deny on every resource leaves the role none of the policy's
# actions: still a policy to detach, but it gives the function nothing today.
all_blocked(p) if {
	blocked(p) > 0
	blocked(p) == p.actionCount
}

severity(p) := "low" if all_blocked(p)

severity(p) := base(p) if not all_blocked(p)

base(p) := "critical" if p.kind == "admin"

base(p) := "high" if p.kind == "power-user"

base(p) := "high" if {
	p.kind == "service-wide"
	p.permissionsManagement
}

base(p) := "medium" if {
	p.kind == "service-wide"
	not p.permissionsManagement
}

blocked_note(p) := "" if blocked(p) == 0

blocked_note(p) := "; the permissions boundary or a Deny blocks all of them" if all_blocked(p)

blocked_note(p) := text.format("; the permissions boundary or a Deny blocks %s of its %s actions", [blocked(p), p.actionCount]) if {
	blocked(p) > 0
	not all_blocked(p)
}

message(role, p) := text.format("Role %s has the AWS managed policy %s attached, which grants every action on every resource", [analysis.display_name(role), p.name]) if {
	p.kind == "admin"
}

message(role, p) := text.format("Role %s has the AWS managed policy %s attached, which grants every action of %s", [analysis.display_name(role), p.name, analysis.counted(p.serviceCount, "service")]) if {
	p.kind == "power-user"
}

message(role, p) := text.format("Role %s has the AWS managed policy %s attached, which grants every action on every resource of %s", [analysis.display_name(role), p.name, concat(", ", p.services)]) if {
	p.kind == "service-wide"
}
