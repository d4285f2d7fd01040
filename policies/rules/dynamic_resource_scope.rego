# METADATA
# title: Resource wildcard that usage shows could be a prefix
# description: |
#   An Allow statement of an execution role grants every resource of a type (`table/*`,
#   `function:*`, `*`), and the function's recorded usage shows its calls under that statement all
#   went to resources sharing a name prefix (`table/orders-eu`, `table/orders-us`). Scoping the
#   grant to the prefix (`table/orders-*`) keeps dynamically named resources working while
#   excluding every other resource of the type. Severity low: a refinement, given with the exact
#   suggested pattern.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
#     description: Including wildcards in resource ARNs
# custom:
#   id: LR017
#   name: dynamic-resource-scope
#   severity: low
#   category: least-privilege
#   # True: its findings come only from the scope suggestions made from the recorded calls
#   # (src/analysis/scope.ts), so
#   # `diff` does not call one fixed against inputs without usage (docs/iac.md).
#   needs_usage: true
#   # True: the resources the calls reached are CloudTrail's; an Access Advisor report names none,
#   # so `diff` does not call a finding fixed against usage without CloudTrail covering it.
#   needs_calls: true
#   remediation: |
#     Replace the wildcard resource with the suggested prefix pattern (in the evidence), after
#     checking that every resource the function must reach follows the naming convention.
package leastrole.rules.dynamic_resource_scope

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := [finding |
	some role in analysis.execution_roles
	some s in role.analysis.scopeSuggestions
	finding := {
		"resource": analysis.role_resource(role),
		"detail": text.format("%s#%s:%s", [s.policy, s.index, s.granted]),
		"message": text.format("Role %s: %s Statement[%s] grants %s, but its functions used only %s%s (%s); scope it to %s%s", [
			analysis.display_name(role), analysis.policy_name(role, s.policy), s.index, s.granted, concat(", ", s.resources), beyond_sample(s), concat(", ", s.actions), s.suggested,
			analysis.cdk_handler_advice(role, s.policy),
		]),
		"evidence": {
			"policy": s.policy,
			"statementIndex": s.index,
			"granted": s.granted,
			"suggested": s.suggested,
			"actions": s.actions,
			"resources": s.resources,
			"beyondSample": object.get(s, "beyondSample", []),
		},
	}
]

# More resources were used than the usage sample keeps: say what the others all match.
beyond_sample(s) := text.format(", and more beyond the usage sample, all under %s", [concat(", ", s.beyondSample)]) if {
	count(object.get(s, "beyondSample", [])) > 0
} else := ""
