# METADATA
# title: Privilege-escalation path
# description: |
#   The role can raise its own or another principal's privileges: pass a role to a new Lambda
#   function, Glue endpoint, CloudFormation stack, EC2 instance, Data Pipeline or SageMaker notebook;
#   write or attach IAM policies, create policy versions, change a trust policy, mint access keys
#   or passwords, add users to groups; assume any role; or replace another function's code or
#   layers. Each step is decided by the IAM engine on its target with the context it implies
#   (iam:PassedToService for PassRole), so a resource constraint that excludes every target, a
#   condition that fails, a Deny or a permissions boundary removes the path, while a NotAction
#   grant or a wildcard that still reaches a target keeps it. Severity critical (the role can
#   become administrator); high when the path depends on conditions the inputs do not settle.
#   Runs on execution roles by default; with `--scope account` (config `scope: account`) on every
#   role and IAM user.
# related_resources:
#   - ref: https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
#     description: AWS IAM privilege escalation methods (Rhino Security Labs)
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
#     description: Granting a user permissions to pass a role to an AWS service
# custom:
#   id: LR014
#   name: privilege-escalation
#   severity: critical
#   category: privilege-escalation
#   remediation: |
#     Remove the IAM, STS and Lambda management actions from the role, or scope them to specific
#     resources that cannot lead to more privilege (iam:PassRole to one named role with an
#     `iam:PassedToService` condition; lambda:UpdateFunctionCode to the function's own ARN), and
#     consider a permissions boundary that denies them.
package leastrole.rules.privilege_escalation

import data.leastrole.lib.analysis

findings contains finding if {
	some role in input.roles
	in_scope(role)
	some path in role.analysis.escalationPaths
	finding := path_finding(analysis.role_resource(role), "Role", role.name, path)
}

findings contains finding if {
	analysis.account_scope
	some p in input.principals
	some path in p.analysis.escalationPaths
	finding := path_finding(analysis.principal_resource(p), principal_label(p), p.name, path)
}

in_scope(role) if role.analysis.executionRole

in_scope(_) if analysis.account_scope

principal_label(p) := "User" if p.type == "user"

principal_label(p) := "Group" if p.type != "user"

path_finding(resource, label, name, path) := {
	"resource": resource,
	"detail": path.id,
	"severity": severity(path.conditional),
	"message": sprintf("%s %s can escalate privileges (%s): %s via %s on %s", [
		label, name, path.title, path.why, concat(" + ", path.actions), concat(", ", array.slice(path.resources, 0, 3)),
	]),
	"evidence": {
		"path": path.id,
		"actions": path.actions,
		"resources": path.resources,
		"statements": path.statements,
		"conditional": path.conditional,
	},
}

severity(true) := "high"

severity(false) := "critical"
