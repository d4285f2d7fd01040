# METADATA
# title: Allow with NotAction or NotResource
# description: |
#   An Allow statement of an execution role uses NotAction (allows every action except the
#   listed ones, including every action AWS adds in the future) or NotResource (allows the actions
#   on every resource except the listed ones, including resources created later). Both invert the
#   allow-list, so the grant grows silently. Severity high for NotAction, medium for NotResource
#   alone; one step lower under a condition. AWS managed policies are judged by LR004.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
#     description: IAM JSON policy elements - NotAction
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
#     description: IAM JSON policy elements - NotResource
# custom:
#   id: LR015
#   name: not-action-allow
#   severity: high
#   category: least-privilege
#   remediation: |
#     Rewrite the statement as an allow-list (Action and Resource naming what the function uses);
#     keep NotAction/NotResource only in Deny statements.
package leastrole.rules.not_action_allow

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := [finding |
	some role in analysis.execution_roles
	some g in role.analysis.grants
	not g.awsManaged
	kinds := [k | some k in ["NotAction", "NotResource"]; uses(g, k)]
	count(kinds) > 0
	finding := {
		"resource": analysis.role_resource(role),
		"detail": analysis.statement_id(g.policy, g.index),
		"severity": severity(kinds, g.hasConditions),
		"message": text.format("Role %s: %s Statement[%s] is an Allow with %s (grants %s%s)%s", [analysis.display_name(role), analysis.policy_name(role, g.policy), g.index, concat(" and ", kinds), analysis.counted(g.actionCount, "action"), blocked_note(g), analysis.cdk_handler_advice(role, g.policy)]),
		"evidence": {
			"policy": g.policy,
			"statementIndex": g.index,
			"sid": g.sid,
			"notAction": g.notAction,
			"notResource": g.notResource,
			"actionCount": g.actionCount,
			"hasConditions": g.hasConditions,
		},
	}
]

uses(g, "NotAction") if count(g.notAction) > 0

uses(g, "NotResource") if count(g.notResource) > 0

base(kinds) := "high" if "NotAction" in kinds

base(kinds) := "medium" if not "NotAction" in kinds

severity(kinds, true) := analysis.lower_severity(base(kinds))

severity(kinds, false) := base(kinds)

blocked_note(g) := text.format(" the role may use; its Deny statements or permissions boundary block %s more", [g.blockedActionCount]) if {
	object.get(g, "blockedActionCount", 0) > 0
} else := ""
