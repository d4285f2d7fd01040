# METADATA
# title: Execution role cannot write the function's logs
# description: |
#   The execution role does not allow logs:CreateLogStream and logs:PutLogEvents on the function's
#   log group (the custom LoggingConfig group when set, else /aws/lambda/<name>), or
#   logs:CreateLogGroup on the group. Lambda then drops the function's output: errors, audit trail
#   and incident evidence are lost silently. Decided by the IAM engine (identity policies, denies,
#   permissions boundary). Severity medium when streams cannot be written; low when only
#   CreateLogGroup is missing (harmless once the group exists, e.g. created by IaC); info when a
#   policy of the role could not be resolved (it might grant them), and when an explicit Deny of the
#   role is all that blocks them: logging turned off on purpose (the Serverless Framework's
#   `disableLogs: true` writes such a Deny), said so rather than called a broken role. A function
#   Lambda@Edge may run (its role trusts edgelambda.amazonaws.com) also logs from its replicas, in
#   every Region CloudFront picks, to `/aws/lambda/us-east-1.<name>` (or its custom group): the role
#   needs the three actions on that group in every Region (`arn:aws:logs:*:…`).
# related_resources:
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
#     description: Sending Lambda function logs to CloudWatch Logs
#   - ref: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html
#     description: AWSLambdaBasicExecutionRole
#   - ref: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html
#     description: Edge function logs (Lambda@Edge log groups)
# custom:
#   id: LR005
#   name: missing-log-permissions
#   severity: medium
#   category: observability
#   remediation: |
#     Allow logs:CreateLogStream and logs:PutLogEvents on
#     `arn:aws:logs:<region>:<account>:log-group:<group>:*` and logs:CreateLogGroup on the group (or
#     attach AWSLambdaBasicExecutionRole), and make sure no Deny or boundary removes them.
package leastrole.rules.missing_log_permissions

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := [finding |
	some fn in input.functions
	fn.analysis.roleFound
	missing := analysis.missing(fn, {"logs"})
	count(missing) > 0
	actions := analysis.actions_of(missing)
	essential := [r | some r in missing; r.essential]
	finding := {
		"resource": analysis.function_resource(fn),
		"severity": severity(count(essential) > 0, fn.analysis.roleIncomplete, denied_on_purpose(missing)),
		"message": text.format("%s %s cannot %s: its execution role %s %s%s%s", [
			"Function", analysis.display_name(fn), what(count(essential) > 0, groups(missing)), verb(denied_on_purpose(missing)), concat(", ", actions), purpose(denied_on_purpose(missing)),
			analysis.lambda_module_turn_on(fn, "logs", "set attach_cloudwatch_logs_policy = true there (its default), which attaches the module's logs policy on the call's log group"),
		]),
		"evidence": {
			"logGroup": fn.logGroup,
			"roleArn": fn.roleArn,
			"missing": [{"action": r.action, "resource": r.resource, "decision": r.decision, "explanation": r.explanation} | some r in missing],
			"roleIncomplete": fn.analysis.roleIncomplete,
		},
	}
]

what(true, group) := text.format("write its logs to %s", [group])

what(false, group) := text.format("create its log group %s", [group])

# The log groups the missing permissions are for: the function's own, and for a Lambda@Edge
# function its replicas' group in every Region (`/aws/lambda/us-east-1.<name>`).
groups(missing) := concat(" and ", sort({r.subject | some r in missing}))

# Every missing permission is refused by an explicit Deny: someone wrote it to stop the logs.
denied_on_purpose(missing) if {
	every r in missing {
		r.decision == "explicit-deny"
	}
} else := false

verb(true) := "denies"

verb(false) := "does not allow"

purpose(true) := " (an explicit Deny: logging turned off on purpose, as the Serverless Framework's disableLogs does; remove the Deny to keep its output)"

purpose(false) := ""

severity(_, true, _) := "info"

severity(_, false, true) := "info"

severity(true, false, false) := "medium"

severity(false, false, false) := "low"
