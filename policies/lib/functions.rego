# METADATA
# title: Helpers over the functions of the canonical document
# description: Lookups shared by rules. Computed once per evaluation (complete rules are memoised).
package leastrole.lib.functions

# Functions by their unqualified ARN. A complete object (not a partial rule) so that both OPA's
# interpreter and wasm compute it once per evaluation instead of once per lookup.
by_arn := {fn.arn: fn | some fn in input.functions}

# Tag keys that carry a data classification or sensitivity label, compared case-insensitively.
# An organisation can override the list with data.leastrole.config.sensitivity_tag_keys.
default_sensitivity_tag_keys := {
	"classification",
	"data-classification",
	"data_classification",
	"dataclassification",
	"confidentiality",
	"sensitivity",
	"data-sensitivity",
}

sensitivity_tag_keys := {lower(k) | some k in configured} if {
	configured := data.leastrole.config.sensitivity_tag_keys
}

sensitivity_tag_keys := default_sensitivity_tag_keys if {
	not data.leastrole.config.sensitivity_tag_keys
}

# The sensitivity label of a function: "key=value" for the first matching tag, in key order;
# "unlabelled" when the function has none.
sensitivity(fn) := label if {
	labels := sort([sprintf("%s=%s", [lower(k), v]) |
		some k, v in object.get(fn, "tags", {})
		lower(k) in sensitivity_tag_keys
	])
	count(labels) > 0
	label := labels[0]
}

sensitivity(fn) := "unlabelled" if {
	not any_sensitivity_tag(fn)
}

any_sensitivity_tag(fn) if {
	some k, _ in object.get(fn, "tags", {})
	lower(k) in sensitivity_tag_keys
}

# The IAM actions each function's own sessions called successfully, by [role ARN, function ARN].
# A function's own calls are its sessions with no invokedBy; it may have more than one: the
# records that say which function the credentials were issued to (userIdentity.inScopeOf) and
# older ones attributed by session name are two principals of one function (src/usage/labels.ts),
# so this is a multi-value rule, not an object of one principal per pair (two would conflict).
# (Lambda's own `awslambda_…` sessions have no function.) The role is the document's: a template's
# role CloudFormation named at deployment is matched to CloudTrail's name for it in
# `documentRoleArn` (src/usage/deployed-names.ts).
used_by_function[key] contains a.action if {
	some p in input.usage.principals
	p.sessionKind == "function"
	p.functionArn != null
	object.get(p, "invokedBy", null) == null
	key := [object.get(p, "documentRoleArn", p.roleArn), p.functionArn]
	some a in p.actions
	a.count > a.deniedCount
}

# The set of IAM actions a function was seen calling successfully under a role.
# (A comprehension: the empty set for a function without usage; object.get would take the pair for a path.)
used_actions(role_arn, fn_arn) := {x | some x in _used_by_function[[role_arn, fn_arn]]}

# used_by_function whole, a complete rule that each engine computes once. Why not look the pair up
# in used_by_function itself: native OPA (`opa eval` on a canonical document) evaluates a
# multi-value rule asked with its key bound again over every principal, once per function (it has
# no index on a computed key), which made it quadratic: 60% of `opa eval` on a 500-function slice.
# Asked whole, the rule is evaluated once and cached. (The wasm planner computes the rule whole
# either way; an object comprehension grouping by key, which native OPA would index, is quadratic in
# wasm, which has no comprehension indexing: 20× slower audits.)
_used_by_function := used_by_function
