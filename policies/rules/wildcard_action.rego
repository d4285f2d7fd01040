# METADATA
# title: Wildcard action in an Allow statement
# description: |
#   An Allow statement of an execution role grants `*`, `service:*`, or a wildcard pattern that
#   expands (through the AWS action catalog) to Write or Permissions management actions. A
#   wildcard grants every action the service has today and every action it adds later, so the role
#   can do far more than the function needs. Severity: `*` is critical (every action of every
#   service: account takeover through IAM), high when a condition limits it; `service:*` is high
#   (every write and delete of the service), medium under a condition; a partial wildcard such as
#   `s3:Put*` that reaches write actions is medium, low under a condition. AWS managed policies are
#   judged by LR004 (their statements cannot be edited, only detached).
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
#     description: Apply least-privilege permissions
#   - ref: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
#     description: Actions, resources, and condition keys for AWS services
# custom:
#   id: LR002
#   name: wildcard-action
#   severity: high
#   category: least-privilege
#   remediation: |
#     Replace the wildcard with the actions the function calls (`leastrole generate` lists them from
#     usage), e.g. `dynamodb:GetItem` and `dynamodb:Query` instead of `dynamodb:*`.
package leastrole.rules.wildcard_action

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := [finding |
	some role in analysis.execution_roles
	some g in role.analysis.grants
	not g.awsManaged
	kind := wildcard_kind(g)
	base := base_severity[kind]
	finding := {
		"resource": analysis.role_resource(role),
		"detail": analysis.statement_id(g.policy, g.index),
		"severity": condition_adjusted(blocked_adjusted(base, g), g.hasConditions),
		"message": text.format("Role %s: %s Statement[%s] allows %s%s%s", [analysis.display_name(role), analysis.policy_name(role, g.policy), g.index, describe(kind, g), blocked_note(g), analysis.cdk_handler_advice(role, g.policy)]),
		"evidence": {
			"policy": g.policy,
			"statementIndex": g.index,
			"sid": g.sid,
			"kind": kind,
			"serviceWildcards": g.serviceWildcards,
			"writeWildcards": g.writeWildcards,
			"writeActionCount": g.wildcardWriteActionCount,
			"writeActionSample": g.wildcardWriteActionSample,
			"hasConditions": g.hasConditions,
			"blockedActionCount": object.get(g, "blockedActionCount", 0),
		},
	}
]

wildcard_kind(g) := "all" if {
	g.fullWildcardAction
} else := "service" if {
	count(g.serviceWildcards) > 0
} else := "write" if {
	count(g.writeWildcards) > 0
	g.wildcardWriteActionCount > 0
}

base_severity := {"all": "critical", "service": "high", "write": "medium"}

# `*` of which the role's Deny statements or boundary leave only some services is not every
# action: one step lower, and the message says what is left.
blocked_adjusted(s, g) := analysis.lower_severity(s) if {
	object.get(g, "blockedActionCount", 0) > 0
	g.fullWildcardAction
} else := s

blocked_note(g) := text.format("; the role's Deny statements or permissions boundary block %s of its actions, leaving %s (%s)", [g.blockedActionCount, g.actionCount, concat(", ", g.remainingServices)]) if {
	object.get(g, "blockedActionCount", 0) > 0
} else := ""

condition_adjusted(s, true) := analysis.lower_severity(s)

condition_adjusted(s, false) := s

describe("all", _) := "every action (`*`)"

describe("service", g) := text.format("every action of a service (%s)", [concat(", ", g.serviceWildcards)])

describe("write", g) := text.format("%s, which expands to %s", [concat(", ", g.writeWildcards), analysis.counted(g.wildcardWriteActionCount, "write or permissions-management action")])
