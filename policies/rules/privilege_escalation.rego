# METADATA
# title: Privilege-escalation path
# description: |
#   The role can raise its own or another principal's privileges: pass a role to a new Lambda
#   function, Glue endpoint or job, CloudFormation stack or StackSet, EC2 instance (on demand or
#   Spot), Auto Scaling launch configuration, Data Pipeline, SageMaker notebook or job, CodeBuild
#   project, ECS task, App Runner service or Bedrock AgentCore code interpreter, to an existing EC2
#   instance (its instance profile) or ECS task definition (a task role override), or to its own
#   function; take over an existing instance, task, stack, notebook or code interpreter, or run
#   commands on an instance through Systems Manager; write or attach IAM policies, create policy
#   versions or roll back to one (a policy with another version), change a trust policy, create a
#   role that trusts it and assume it, remove or replace its own permissions boundary (when its
#   identity policies grant more than the boundary allows), mint access keys or passwords, add
#   users to groups; assume
#   any role, or assume a more privileged role (administrator, or with
#   escalation paths of its own) whose trust policy lets it in (its ARN, its function's session,
#   its account, or everyone), directly or through a chain of at most five roles each of which
#   may assume the next (role chaining); or replace another function's code or layers. Each step is
#   decided by the IAM engine on its target with the context it implies
#   (iam:PassedToService for PassRole; the target's trust policy for AssumeRole, which must name
#   the caller or delegate to its account), so a resource constraint that excludes every target, a
#   condition that fails, a Deny or a permissions boundary removes the path, while a NotAction
#   grant or a wildcard that still reaches a target keeps it; in a chain every hop is decided so,
#   with the policies of the role that makes it. A path that takes over a target (a role passed
#   to compute or whose trust policy it rewrites, another function's role, a user's credentials, a
#   group a user joins) gains that target's permissions only, so a target holding no permission
#   the role lacks is no path; nor is a new role pinned to a permissions boundary that holds
#   nothing more (a blocked candidate saying so). Kept where the policies leave it uncertain.
#   Severity critical (the role can become
#   administrator); high when the path depends on conditions the inputs do not settle (a trust
#   policy's sts:ExternalId or aws:MultiFactorAuthPresent, at any hop of a chain).
#   Runs on execution roles by default; with `--scope account` (config `scope: account`) on every
#   role and IAM user.
# related_resources:
#   - ref: https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
#     description: AWS IAM privilege escalation methods (Rhino Security Labs)
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
#     description: Granting a user permissions to pass a role to an AWS service
#   - ref: https://pathfinding.cloud/
#     description: pathfinding.cloud, a catalogue of AWS privilege-escalation paths
#   - ref: https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-restrict-root-level-commands.html
#     description: Restricting access to root-level commands through SSM Agent
# custom:
#   id: LR014
#   name: privilege-escalation
#   severity: critical
#   category: privilege-escalation
#   remediation: |
#     Remove the actions each path lists from the role (IAM, STS and Lambda management, creating
#     or changing compute that runs with a role, Systems Manager commands), or scope them to
#     resources that cannot lead to more privilege (iam:PassRole to one named role with an
#     `iam:PassedToService` condition; lambda:UpdateFunctionCode to the function's own ARN;
#     ssm:SendCommand to tagged instances), and consider a permissions boundary that denies them.
#     For a more privileged role it may assume, also take it out of that role's trust policy.
package leastrole.rules.privilege_escalation

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := array.concat(role_findings, principal_findings)

role_findings := [finding |
	some role in input.roles
	in_scope(role)
	count(role.analysis.escalationPaths) > 0
	finding := paths_finding(analysis.role_resource(role), "Role", role, role.analysis.escalationPaths)
]

principal_findings := [finding |
	analysis.account_scope
	some p in input.principals
	count(p.analysis.escalationPaths) > 0
	finding := paths_finding(analysis.principal_resource(p), principal_label(p), p, p.analysis.escalationPaths)
]

in_scope(role) if role.analysis.executionRole

in_scope(_) if analysis.account_scope

principal_label(p) := "User" if p.type == "user"

principal_label(p) := "Group" if p.type != "user"

# One finding per principal (its paths in the evidence): the fix is one change to the principal's
# policies, and twenty findings for one administrator role would drown everything else.
paths_finding(resource, label, entity, paths) := {
	"resource": resource,
	"severity": analysis.max_severity([severity(p.conditional) | some p in paths]),
	"message": text.format("%s %s has %s: %s%s", [
		label, analysis.display_name(entity), analysis.counted(count(paths), "privilege-escalation path"), concat("; ", [describe(entity, p) | some p in array.slice(paths, 0, 3)]), more(count(paths), 3),
	]),
	"evidence": {
		"pathCount": count(paths),
		"paths": [object.union(
			{
				"id": p.id,
				"title": p.title,
				"actions": p.actions,
				"resources": p.resources,
				"statements": p.statements,
				"conditional": p.conditional,
				"why": p.why,
			},
			chains(p),
		) |
			some p in paths
		],
	},
}

# An sts-assume-role path's roles assumed one after the other, by `resources`' index (the resource
# first, the role more privileged itself last: EscalationPath.chains, src/model/analysis.ts), so
# that a program reading the evidence sees which roles a chain goes through, as the message says
# in words. No key on other paths (none has chains).
chains(p) := {"chains": p.chains} if p.chains

chains(p) := {} if not p.chains

describe(_, p) := text.format("%s (%s on %s)", [p.title, concat(" + ", p.actions), concat(", ", array.slice(resource_names(p), 0, 2))]) if p.id != "sts-assume-role"

# Assuming a more privileged role: which role, what of its trust policy lets the principal in and
# why it is more privileged, as the analysis says it (`<name> can assume <reasons>`:
# AssumeRoleChains.pathOf in src/analysis/escalation.ts), without the principal's name.
describe(entity, p) := text.format("%s (%s on %s): %s", [p.title, concat(" + ", p.actions), concat(", ", array.slice(resource_names(p), 0, 2)), trim_prefix(p.why, text.format("%s can assume ", [entity.name]))]) if p.id == "sts-assume-role"

# The targets as the message shows them, in the order of those names (then the listed resource)
# when a template's or plan's are among them, so the two shown are the first by the names the user
# reads; otherwise (an account export's) the list as it is, sorted by ARN. The evidence keeps the list.
resource_names(p) := [pair[0] | some pair in sort([[resource_name(p, r), r] | some r in p.resources])] if {
	object.get(p, "resourceDisplayNames", null) != null
} else := p.resources

# A target as the user's code names it when it is a template's or plan's role, user, group,
# function or policy (the analysis gives its display name: src/analysis/escalation.ts), else the
# ARN or `<any …>` description the path lists.
resource_name(p, r) := object.get(p, ["resourceDisplayNames", r], r)

more(n, shown) := text.format("; and %s more", [n - shown]) if n > shown

more(n, shown) := "" if n <= shown

severity(true) := "high"

severity(false) := "critical"
