# METADATA
# title: Helpers over the functions of the canonical document
# description: Lookups shared by rules. Computed once per evaluation (complete rules are memoised).
package leastrole.lib.functions

import data.leastrole.lib.text

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
	labels := sort([text.format("%s=%s", [lower(k), v]) |
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
# whose actions are gathered under one key. (Lambda's own `awslambda_…` sessions have no
# function.) The role is the document's: a template's role CloudFormation named at deployment is
# matched to CloudTrail's name for it in `documentRoleArn` (src/usage/deployed-names.ts).
#
# The built-in rules' input has these groups already (`usage.usedByFunction`, one entry per pair,
# src/evaluate/rules-view.ts), and a canonical document does not. Why: grouping has no form in
# Rego that is linear in both engines. A multi-value rule (`used_by_function[key] contains …`) is
# linear in wasm but quadratic in native OPA, which rebuilt the object for each principal: at
# 10,000 functions, 166 s of `opa eval` on the canonical document for this rule alone. The
# comprehension below is linear natively, which indexes the inner one by function ARN
# (comprehension indexing), but quadratic in wasm, which does not index.
used_by_function := groups if {
	groups := _view_groups(input.usage)
} else := {key: actions |
	some p in input.usage.principals
	own_session(p)
	key := [object.get(p, "documentRoleArn", p.roleArn), p.functionArn]
	fn := p.functionArn
	actions := {a.action |
		some q in input.usage.principals
		q.functionArn == fn
		own_session(q)
		[object.get(q, "documentRoleArn", q.roleArn), fn] == key
		some a in q.actions
		a.count > a.deniedCount
	}
}

# The rules view's groups (a member the canonical schema does not have, so read through a
# parameter, which the type check leaves untyped, as unused_permission.rego reads its own).
_view_groups(usage) := {[e.roleArn, e.functionArn]: {x | some x in e.actions} |
	some e in usage.usedByFunction
} if {
	is_array(usage.usedByFunction)
}

# A function's own session: its calls are the function's (not Lambda's, not a service's on its behalf).
own_session(p) if {
	p.sessionKind == "function"
	p.functionArn != null
	object.get(p, "invokedBy", null) == null
}

# The set of IAM actions a function was seen calling successfully under a role.
# (A comprehension: the empty set for a function without usage; object.get would take the pair for a path.)
used_actions(role_arn, fn_arn) := {x | some x in used_by_function[[role_arn, fn_arn]]}
