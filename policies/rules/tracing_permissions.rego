# METADATA
# title: X-Ray permissions missing or unneeded
# description: |
#   A function with Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords; without
#   them its traces are dropped silently (low: an observability gap, not an exposure). `$LATEST` and
#   each published version running with the role count: a version keeps the TracingConfig it was
#   published with. A role none of whose functions or versions traces but that carries these
#   permissions can write arbitrary trace data
#   (low). Decided by the IAM engine; unresolved policies lower it to info.
# related_resources:
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html#services-xray-permissions
#     description: Execution role permissions for X-Ray
#   - ref: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSXRayDaemonWriteAccess.html
#     description: AWSXRayDaemonWriteAccess
# custom:
#   id: LR007
#   name: tracing-permissions
#   severity: low
#   category: configuration
#   remediation: |
#     For Active tracing, attach AWSXRayDaemonWriteAccess (or allow the two xray actions on `*`).
#     Without tracing, remove them.
package leastrole.rules.tracing_permissions

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := array.concat(missing_findings, unneeded_findings)

missing_findings := [finding |
	some fn in input.functions
	fn.analysis.roleFound
	missing := analysis.missing(fn, {"tracing"})
	count(missing) > 0
	actions := analysis.actions_of(missing)
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": "missing",
		"severity": severity_missing(fn.analysis.roleIncomplete),
		"message": text.format("Function %s has Active tracing%s but its execution role does not allow %s%s", [
			analysis.display_name(fn), which(missing[0].subject), concat(", ", actions),
			analysis.lambda_module_turn_on(fn, "tracing", "set attach_tracing_policy = true there, which attaches the module's copy of AWSXRayDaemonWriteAccess"),
		]),
		"evidence": {"roleArn": fn.roleArn, "missing": actions, "roleIncomplete": fn.analysis.roleIncomplete},
	}
]

# The requirement's subject: "Active" for `$LATEST`, "Active (version 3)" for a published version
# with tracing when `$LATEST` has none.
which(subject) := trim_prefix(subject, "Active") if startswith(subject, "Active (")

else := ""

unneeded_findings := [finding |
	some fn in input.functions
	some cap in fn.analysis.unneededCapabilities
	cap.purpose == "tracing"
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": "unneeded",
		"severity": "low",
		"message": text.format("Function %s does not use Active tracing but its execution role allows %s%s", [analysis.display_name(fn), concat(", ", cap.actions), unneeded_advice(fn)]),
		"evidence": {"roleArn": fn.roleArn, "actions": cap.actions, "statements": cap.statements},
	}
]

# The module's tracing policy is what grants them: its input turns it off. "" when they come from elsewhere.
unneeded_advice(fn) := analysis.lambda_module_advice(fn, "set attach_tracing_policy = false there (its default)") if analysis.lambda_module_attaches(fn, "tracing")

else := ""

severity_missing(true) := "info"

severity_missing(false) := "low"
