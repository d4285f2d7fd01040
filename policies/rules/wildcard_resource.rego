# METADATA
# title: Resource wildcard on actions that support resource-level permissions
# description: |
#   An Allow statement of an execution role grants, on `Resource: "*"`, actions that AWS lets you
#   scope to specific resources (tables, queues, buckets, keys …). The function can then act on
#   every such resource in the account instead of the few it uses. Actions that only accept `*`
#   (xray:PutTraceSegments, ec2:DescribeNetworkInterfaces, dynamodb:ListTables …) are never
#   counted, per the AWS Service Authorization Reference, and neither are those whose one resource
#   type is optional, which an ordinary call does not name (cloudwatch:PutMetricData,
#   comprehend:DetectEntities): only `*` grants such a call. Severity medium (blast radius over every
#   resource of the account), low when a condition (tag, VPC, source) limits the statement.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#     description: IAM JSON policy elements - Resource
#   - ref: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
#     description: Which actions support resource-level permissions
# custom:
#   id: LR003
#   name: wildcard-resource
#   severity: medium
#   category: least-privilege
#   remediation: |
#     Name the resources the function uses (the table, queue or bucket ARNs, or a prefix such as
#     `table/orders-*`) in Resource, and keep `*` only for the actions that cannot be scoped.
package leastrole.rules.wildcard_resource

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := [finding |
	some role in analysis.execution_roles
	some g in role.analysis.grants
	not g.awsManaged
	g.starResource
	g.resourceLevelActionsOnStarCount > 0
	finding := {
		"resource": analysis.role_resource(role),
		"detail": analysis.statement_id(g.policy, g.index),
		"severity": severity(g.hasConditions),
		"message": text.format("Role %s: %s Statement[%s] grants %s on Resource \"*\" that can be scoped to specific resources (%s%s)%s", [
			analysis.display_name(role), analysis.policy_name(role, g.policy), g.index, analysis.counted(g.resourceLevelActionsOnStarCount, "action"),
			concat(", ", array.slice(g.resourceLevelActionsOnStar, 0, 5)),
			analysis.more(g.resourceLevelActionsOnStarCount, 5),
			analysis.cdk_handler_advice(role, g.policy),
		]),
		"evidence": {
			"policy": g.policy,
			"statementIndex": g.index,
			"sid": g.sid,
			"actionCount": g.resourceLevelActionsOnStarCount,
			"actions": g.resourceLevelActionsOnStar,
			"hasConditions": g.hasConditions,
		},
	}
]

severity(true) := "low"

severity(false) := "medium"
