# METADATA
# title: Function without an owner tag
# description: Every function must carry an `owner` tag, so that findings reach a team.
# custom:
#   id: ACME001
#   name: function-owner-tag
#   severity: low
#   category: governance
#   remediation: Tag the function with owner=<team>.
package leastrole.rules.owner_tag

findings contains finding if {
	some fn in input.functions
	not fn.tags.owner
	finding := {
		"resource": {"type": "function", "arn": fn.arn, "name": fn.name},
		"message": sprintf("Function %s has no owner tag", [fn.name]),
	}
}
