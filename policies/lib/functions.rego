# METADATA
# title: Helpers over the functions of the canonical document
# description: Lookups shared by rules. Computed once per evaluation (complete rules are memoised).
package leastrole.lib.functions

# Functions by their unqualified ARN.
by_arn[fn.arn] := fn if {
	some fn in input.functions
}

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

# The set of IAM actions a function was seen calling (from the usage section).
used_actions(fn_arn) := {a.action |
	some p in input.usage.principals
	p.functionArn == fn_arn
	some a in p.actions
	a.count > a.deniedCount
}
