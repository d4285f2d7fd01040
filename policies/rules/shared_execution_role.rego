# METADATA
# title: Execution role shared by several functions
# description: |
#   One IAM role is the execution role of two or more Lambda functions (published versions and
#   aliases count as their function). A compromised function inherits the permissions of every
#   function sharing its role, so the role's permissions are the union of what all of them need.
#   Sharing is worse when the functions carry different data classifications or actually use
#   different permissions.
# related_resources:
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
#     description: Lambda execution role
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
#     description: Apply least-privilege permissions
# custom:
#   id: LR001
#   name: shared-execution-role
#   severity: medium
#   category: blast-radius
#   # True: usage (input.usage, the functions' recorded calls) raises a finding to high when the
#   # functions use different permissions; without usage it is medium unless their data
#   # classifications differ. So `diff` does not call it lowered against inputs without usage
#   # covering the role when the before side had usage (docs/iac.md).
#   usage_raises_severity: true
#   # True: a finding is decided by the functions that use the role, so `diff` does not call it
#   # fixed against inputs that hold the role but not its functions (docs/iac.md).
#   needs_functions: true
#   remediation: |
#     Give each function its own execution role with only the permissions it uses
#     (`leastrole generate` writes one policy per function). Share a role only between functions
#     with the same trust requirements, sensitivity and permissions.
#   options:
#     sensitivity_tag_keys: >-
#       Tag keys that carry a data classification, compared case-insensitively (default:
#       classification, data-classification, data_classification, dataclassification,
#       confidentiality, sensitivity, data-sensitivity).
package leastrole.rules.shared_execution_role

import data.leastrole.lib.analysis
import data.leastrole.lib.functions
import data.leastrole.lib.text

findings := [finding |
	some role in input.roles
	count(role.functions) > 1

	fns := [fn | some arn in role.functions; fn := functions.by_arn[arn]]
	names := sort([fn.name | some fn in fns])
	labels := {functions.sensitivity(fn) | some fn in fns}
	usage_sets := {arn: used |
		some arn in role.functions
		used := functions.used_actions(role.arn, arn)
		count(used) > 0
	}
	distinct_usage := {s | some s in usage_sets}

	reasons := array.concat(
		[r | count(labels) > 1; r := "carry different data classifications"],
		[r | count(distinct_usage) > 1; r := "use different permissions"],
	)

	finding := {
		"resource": {"type": "role", "arn": role.arn, "name": role.name},
		"message": concat("", [message(analysis.display_name(role), sort([analysis.display_name(fn) | some fn in fns]), reasons), analysis.cdk_shared_role_advice(role)]),
		"severity": severity(reasons),
		"evidence": {
			"functions": names,
			"functionCount": count(role.functions),
			"sensitivity": sort(labels),
			"usedActions": {arn: sort(s) | some arn, s in usage_sets},
		},
	}
]

severity(reasons) := "high" if count(reasons) > 0

severity(reasons) := "medium" if count(reasons) == 0

message(role, names, reasons) := text.format("Role %s is the execution role of %s functions (%s)", [role, count(names), concat(", ", names)]) if {
	count(reasons) == 0
}

message(role, names, reasons) := text.format("Role %s is the execution role of %s functions (%s), which %s", [role, count(names), concat(", ", names), concat(" and ", reasons)]) if {
	count(reasons) > 0
}
