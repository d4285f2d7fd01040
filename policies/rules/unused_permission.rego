# METADATA
# title: Permissions granted but not used
# description: |
#   Actions the execution role grants that the function did not call during the whole usage
#   window (default 30 days). Reported only where usage data covers the function for the whole
#   window (`fullWindow`); actions CloudTrail cannot show (data events not logged, actions without
#   events) are "unknowable", and actions younger than the window are "too-new": neither is
#   reported. Actions covered by a kept exception from the configuration (error paths, disaster
#   recovery) are not reported and are listed in the evidence with their reason. Severity medium:
#   unused grants are the permissions an attacker inherits without the function ever needing them.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
#     description: Refining permissions using last accessed information
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
#     description: IAM Access Analyzer policy generation
# custom:
#   id: LR008
#   name: unused-permission
#   severity: medium
#   category: least-privilege
#   # True: its findings come only from the usage labels (input.usage.labels, fullWindow), so
#   # `diff` does not call one fixed against inputs without usage (docs/iac.md).
#   needs_usage: true
#   # The evidence field listing the actions the finding calls unused: `diff` calls a finding gone
#   # fixed only when each of them is no longer granted, used, or excepted on the after side, not
#   # when they are only "unknowable" or "too-new" there (docs/iac.md).
#   unused_actions_evidence: unused
#   remediation: |
#     Remove the unused actions from the role (`leastrole generate` writes a policy with only the
#     used ones), or record a kept exception with its reason in the configuration.
package leastrole.rules.unused_permission

import data.leastrole.lib.analysis
import data.leastrole.lib.functions
import data.leastrole.lib.text

findings := [finding |
	input.usage.present
	some labels in input.usage.labels
	labels.fullWindow == true
	is_string(labels.functionArn)
	n := unused_count(labels)
	n > 0
	kept := kept_exceptions(labels)
	fn := object.get(functions.by_arn, labels.functionArn, {"arn": labels.functionArn, "name": analysis.name_of_arn(labels.functionArn)})
	finding := {
		"resource": analysis.function_resource(fn),
		"message": text.format("Function %s did not use %s in the %s-day usage window: %s%s%s", [
			analysis.display_name(fn), analysis.counted(n, "granted action"), window_days, concat(", ", unused_head(labels)), analysis.more(n, 8),
			cdk_note(labels.roleArn),
		]),
		"evidence": {
			"roleArn": labels.roleArn,
			"unused": unused_evidence(labels),
			"keptExceptions": kept,
			"unknowable": label_count(labels, "unknowable"),
			"tooNew": label_count(labels, "too-new"),
			"used": label_count(labels, "used"),
			"window": input.usage.window,
		},
	}
]

# The evaluator's input for the built-in rules gives, instead of each function's permission list,
# what this rule computes from it (src/evaluate/rules-view.ts): at 10,000 functions the lists were
# the largest part of the input. A whole canonical document (opa eval, custom tooling) has only the
# list: compute from it.

# The unused actions without a kept exception, distinct and sorted (from the permission list).
unused_actions(labels) := sort({p.action |
	some p in labels.permissions
	p.label == "unused"
	p.exception == null
})

# How many there are.
unused_count(labels) := labels.unusedActionCount if {
	is_number(labels.unusedActionCount)
} else := count(unused_actions(labels))

# The first eight, which the message names.
unused_head(labels) := labels.unusedActionsHead if {
	is_array(labels.unusedActionsHead)
} else := array.slice(unused_actions(labels), 0, 8)

# All of them, for the evidence. The view holds the list back (src/evaluate/held-lists.ts): the
# rule writes the view's token, and the evaluator puts the list in its place, so that hundreds of
# actions a function do not cross the wasm boundary twice for a copy.
unused_evidence(labels) := {"$held": labels.unusedActionsHeld} if {
	is_string(labels.unusedActionsHeld)
} else := unused_actions(labels)

# The unused actions kept by an exception from the configuration, with its reason.
kept_exceptions(labels) := labels.keptExceptions if {
	is_array(labels.keptExceptions)
} else := [{"action": p.action, "reason": p.exception.reason} |
	some p in labels.permissions
	p.label == "unused"
	p.exception != null
]

# How many of the role's actions carry a label.
label_count(labels, name) := n if {
	n := labels.labelCounts[name]
} else := count([p | some p in labels.permissions; p.label == name])

window_days := input.usage.window.days

window_days := 30 if not input.usage.window.days

# The function of one of the CDK's own handlers runs only at deployments and its grants are the
# CDK's: say so (policies/lib/analysis.rego). "" for any other role, or one the input does not have.
cdk_note(arn) := analysis.cdk_handler_usage_note(analysis.roles_by_arn[arn]) if analysis.roles_by_arn[arn]

else := ""
