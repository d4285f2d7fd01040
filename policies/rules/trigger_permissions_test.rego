package leastrole.rules.trigger_permissions_test

import data.leastrole.rules.missing_log_permissions_test as h
import data.leastrole.rules.trigger_permissions

queue := "arn:aws:sqs:us-east-1:123456789012:orders"

dlq := "arn:aws:sns:us-east-1:123456789012:failures"

test_sqs_trigger_missing_receive if {
	reqs := [
		h.req("trigger", queue, "sqs:ReceiveMessage", "implicit-deny", true),
		h.req("trigger", queue, "sqs:DeleteMessage", "implicit-deny", true),
		h.req("trigger", queue, "sqs:GetQueueAttributes", "allowed", true),
	]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {})]}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.detail == sprintf("trigger:%s", [queue])
	f.message == sprintf("Function api: its execution role cannot use its event source %s (missing sqs:DeleteMessage, sqs:ReceiveMessage)", [queue])
}

test_encrypted_source_named_as_such if {
	reqs := [h.req("trigger-kms", queue, "kms:Decrypt", "implicit-deny", true)]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {})]}
	some f in fs
	f.message == sprintf("Function api: its execution role cannot use its encrypted event source %s (missing kms:Decrypt)", [queue])
}

test_one_finding_per_subject if {
	reqs := [
		h.req("trigger", queue, "sqs:ReceiveMessage", "implicit-deny", true),
		h.req("dead-letter", dlq, "sns:Publish", "explicit-deny", true),
		h.req("environment-kms", "arn:aws:kms:us-east-1:123456789012:key/k", "kms:Decrypt", "implicit-deny", true),
	]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {})]}
	count(fs) == 3
	some f in fs
	f.evidence.purpose == "dead-letter"
	contains(f.message, "dead-letter target")
}

test_durable_function_without_checkpoint_permissions if {
	executions := "arn:aws:lambda:us-east-1:123456789012:function:api:*"
	reqs := [
		h.req("durable", executions, "lambda:CheckpointDurableExecution", "implicit-deny", true),
		h.req("durable", executions, "lambda:GetDurableExecutionState", "implicit-deny", true),
	]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {})]}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.detail == sprintf("durable:%s", [executions])
	f.message == sprintf("Function api: its execution role cannot use its durable executions %s (missing lambda:CheckpointDurableExecution, lambda:GetDurableExecutionState)", [executions])
}

test_config_rule_evaluator_cannot_report if {
	reqs := [h.req("config-rule", "required-tags", "config:PutEvaluations", "implicit-deny", true)]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {})]}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.detail == "config-rule:required-tags"
	f.message == "Function api: its execution role cannot report the results of its AWS Config rule required-tags (missing config:PutEvaluations)"
}

test_insights_extension_cannot_write_its_metrics if {
	reqs := [
		h.req("insights", "/aws/lambda-insights", "logs:CreateLogStream", "implicit-deny", true),
		h.req("insights", "/aws/lambda-insights", "logs:PutLogEvents", "implicit-deny", true),
		h.req("insights", "/aws/lambda-insights", "logs:CreateLogGroup", "allowed", false),
	]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {})]}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.detail == "insights:/aws/lambda-insights"
	f.message == "Function api: its execution role cannot write the metrics of its Lambda Insights extension to its log group /aws/lambda-insights (missing logs:CreateLogStream, logs:PutLogEvents)"
}

test_application_signals_layer_cannot_send_its_telemetry if {
	layer := "arn:aws:lambda:us-east-1:615299751070:layer:AWSOpenTelemetryDistroJs:6"
	reqs := [
		h.req("application-signals", layer, "xray:PutTraceSegments", "implicit-deny", true),
		h.req("application-signals", layer, "logs:PutLogEvents", "implicit-deny", true),
		h.req("application-signals", layer, "logs:CreateLogStream", "allowed", true),
	]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {})]}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.detail == concat("", ["application-signals:", layer])
	f.message == concat("", ["Function api: its execution role cannot send the Application Signals telemetry of its layer ", layer, " (missing logs:PutLogEvents, xray:PutTraceSegments)"])
}

test_efs_access_point_may_not_be_mountable if {
	ap := "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0"
	reqs := [
		h.req("file-system", ap, "elasticfilesystem:ClientMount", "implicit-deny", false),
		h.req("file-system", ap, "elasticfilesystem:ClientWrite", "implicit-deny", false),
	]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {})]}
	count(fs) == 1
	some f in fs
	f.severity == "low"
	f.detail == concat("", ["file-system:", ap])
	f.message == concat("", ["Function api: its execution role may not be able to mount its EFS access point ", ap, " (missing elasticfilesystem:ClientMount, elasticfilesystem:ClientWrite); EFS checks these when the file system has a file system policy, and ClientWrite only for a read-write mount"])
}

test_efs_file_system_named_by_the_role_is_not_reported if {
	ap := "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0"
	reqs := [h.req("file-system", ap, "elasticfilesystem:ClientMount", "unresolved", false)]
	count(trigger_permissions.findings) == 0 with input as {"functions": [h.fn(reqs, {})]}
}

test_everything_granted if {
	reqs := [h.req("trigger", queue, "sqs:ReceiveMessage", "allowed", true), h.req("destination", dlq, "sns:Publish", "conditional", true)]
	count(trigger_permissions.findings) == 0 with input as {"functions": [h.fn(reqs, {})]}
}

test_logs_are_not_trigger_findings if {
	count(trigger_permissions.findings) == 0 with input as {"functions": [h.fn(h.logs("implicit-deny", "implicit-deny", "implicit-deny"), {})]}
}

test_incomplete_role_is_info if {
	some f in trigger_permissions.findings with input as {"functions": [h.fn([], {"analysis": {"roleFound": true, "roleIncomplete": true, "requirements": [h.req("trigger", queue, "sqs:ReceiveMessage", "implicit-deny", true)]}})]}
	f.severity == "info"
}

test_only_non_essential_missing_is_low if {
	stream := "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"
	reqs := [h.req("trigger", stream, "kinesis:ListShards", "implicit-deny", false), h.req("trigger", stream, "kinesis:GetRecords", "allowed", true)]
	some f in trigger_permissions.findings with input as {"functions": [h.fn(reqs, {})]}
	f.severity == "low"
	contains(f.message, "may not be able to use its event source")
}

test_unresolved_template_reference_is_not_missing if {
	reqs := [h.req("trigger", "${Queue.Arn}", "sqs:ReceiveMessage", "unresolved", true)]
	count(trigger_permissions.findings) == 0 with input as {"functions": [h.fn(reqs, {})]}
}

module_message(purpose, subject) := m if {
	some f in trigger_permissions.findings with input as {"functions": [h.fn([h.req(purpose, subject, "sqs:SendMessage", "implicit-deny", true)], {})], "roles": [h.module_role(["logs"])]}
	m := f.message
}

test_module_role_names_the_input_for_a_dead_letter_target_a_destination_and_a_trigger if {
	module_message("dead-letter", queue) == "Function api: its execution role cannot use its dead-letter target arn:aws:sqs:us-east-1:123456789012:orders (missing sqs:SendMessage). Its role is made by the terraform-aws-modules/lambda call module.api: set attach_dead_letter_policy = true there, which grants sns:Publish and sqs:SendMessage on its dead_letter_target_arn"
	module_message("destination", queue) == "Function api: its execution role cannot use its destination arn:aws:sqs:us-east-1:123456789012:orders (missing sqs:SendMessage). Its role is made by the terraform-aws-modules/lambda call module.api: set attach_async_event_policy = true there, which grants sns:Publish, sqs:SendMessage, events:PutEvents and lambda:InvokeFunction on its destination_on_failure and destination_on_success"
	module_message("trigger", queue) == "Function api: its execution role cannot use its event source arn:aws:sqs:us-east-1:123456789012:orders (missing sqs:SendMessage). Its role is made by the terraform-aws-modules/lambda call module.api: add the statement to its policy_statements input, with attach_policy_statements = true"
}

# The call attaches its dead-letter policy already (on another ARN than the function's target): a statement of its own.
test_module_role_with_its_dead_letter_policy_is_told_to_add_a_statement if {
	some f in trigger_permissions.findings with input as {"functions": [h.fn([h.req("dead-letter", queue, "sqs:SendMessage", "implicit-deny", true)], {})], "roles": [h.module_role(["dead_letter"])]}
	endswith(f.message, "call module.api: add the statement to its policy_statements input, with attach_policy_statements = true")
}

# A template's or plan's function is named as the user's code names it (displayName).
test_iac_function_is_named_as_written if {
	reqs := [h.req("trigger", queue, "sqs:ReceiveMessage", "implicit-deny", true)]
	some f in trigger_permissions.findings with input as {"functions": [h.fn(reqs, {"displayName": "module.orders.aws_lambda_function.this[0]"})]}
	startswith(f.message, "Function module.orders.aws_lambda_function.this[0]: its execution role cannot use its event source")
	f.detail == sprintf("trigger:%s", [queue])
}

# A disabled mapping: said, with the evidence, at the same severity (it may be disabled because it
# could not work).
test_disabled_mapping_is_said if {
	reqs := [h.req("trigger", queue, "sqs:ReceiveMessage", "implicit-deny", true), h.req("trigger-destination", dlq, "sns:Publish", "implicit-deny", true)]
	triggers := [{"uuid": "u1", "kind": "sqs", "eventSourceArn": queue, "state": "Disabled", "onFailureDestination": dlq, "secretArns": [], "kmsKeyArn": null}]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {"triggers": triggers})]}
	count(fs) == 2
	every f in fs {
		f.severity == "medium"
		f.evidence.mappingDisabled == true
		contains(f.message, "; its event source mapping is disabled: Lambda reads nothing through it now, and needs these permissions when it is enabled")
	}
}

# One of two mappings of the queue is enabled: the permissions are needed now; nothing said.
test_enabled_mapping_of_same_source_is_not_disabled if {
	reqs := [h.req("trigger", queue, "sqs:ReceiveMessage", "implicit-deny", true)]
	triggers := [
		{"uuid": "u1", "kind": "sqs", "eventSourceArn": queue, "state": "Disabled", "onFailureDestination": null, "secretArns": [], "kmsKeyArn": null},
		{"uuid": "u2", "kind": "sqs", "eventSourceArn": queue, "state": "Enabled", "onFailureDestination": null, "secretArns": [], "kmsKeyArn": null},
	]
	some f in trigger_permissions.findings with input as {"functions": [h.fn(reqs, {"triggers": triggers})]}
	f.evidence.mappingDisabled == false
	not contains(f.message, "disabled")
}

# Self-managed Kafka has no source ARN: its subject is the mapping's UUID, as requirements.ts names it.
test_disabled_self_managed_kafka_mapping if {
	reqs := [h.req("trigger-secret", "self-managed-kafka:u9", "secretsmanager:GetSecretValue", "implicit-deny", true)]
	triggers := [{"uuid": "u9", "kind": "self-managed-kafka", "eventSourceArn": null, "state": "Disabling", "onFailureDestination": null, "secretArns": ["arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf"], "kmsKeyArn": null}]
	some f in trigger_permissions.findings with input as {"functions": [h.fn(reqs, {"triggers": triggers})]}
	f.evidence.mappingDisabled == true
	contains(f.message, "its event source mapping is disabled")
}

# A dead-letter queue is no mapping's: never "disabled".
test_dead_letter_has_no_mapping if {
	reqs := [h.req("dead-letter", dlq, "sns:Publish", "implicit-deny", true)]
	triggers := [{"uuid": "u1", "kind": "sqs", "eventSourceArn": queue, "state": "Disabled", "onFailureDestination": dlq, "secretArns": [], "kmsKeyArn": null}]
	some f in trigger_permissions.findings with input as {"functions": [h.fn(reqs, {"triggers": triggers})]}
	f.evidence.mappingDisabled == false
}

# Lambda stopped an Amazon MQ mapping for want of permissions, and the role lacks a requirement:
# the finding says what Lambda reported (and not that it "needs these permissions when enabled").
test_reported_authz_error_on_missing_requirement if {
	broker := "arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234"
	reqs := [h.req("trigger", broker, "mq:DescribeBroker", "implicit-deny", true)]
	triggers := [{"uuid": "u1", "kind": "mq", "eventSourceArn": broker, "state": "Disabled", "stateTransitionReason": "EVENT_SOURCE_AUTHZ_ERROR", "onFailureDestination": null, "secretArns": [], "kmsKeyArn": null}]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {"triggers": triggers})]}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.evidence.mappingProblem == "EVENT_SOURCE_AUTHZ_ERROR"
	f.evidence.mappingDisabled == true
	endswith(f.message, "(missing mq:DescribeBroker); Lambda reports that the mapping could not use it (EVENT_SOURCE_AUTHZ_ERROR)")
}

# Lambda says a Kafka mapping was refused, and the role's policies allow everything it needs: a
# finding of its own, saying where else to look.
test_reported_problem_with_everything_granted if {
	cluster := "arn:aws:kafka:us-east-1:123456789012:cluster/orders/abcd-1"
	reqs := [h.req("trigger", cluster, "kafka:DescribeClusterV2", "allowed", true)]
	triggers := [{"uuid": "u2", "kind": "kafka", "eventSourceArn": cluster, "state": "Enabled", "lastProcessingResult": "PROBLEM: Cluster failed to authorize Lambda.", "onFailureDestination": null, "secretArns": [], "kmsKeyArn": null}]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {"triggers": triggers})]}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.detail == sprintf("reported:%s", [cluster])
	f.evidence.mappingProblem == "PROBLEM: Cluster failed to authorize Lambda."
	f.evidence.mappingDisabled == false
	contains(f.message, "Lambda reports that its event source mapping could not use")
	contains(f.message, "the execution role's policies allow every action the mapping needs")
}

# A user disabled the mapping, or its last poll was fine, or the problem is not about access: nothing
# reported, and no finding when nothing is missing.
test_other_states_are_not_access_problems if {
	reqs := [h.req("trigger", queue, "sqs:ReceiveMessage", "allowed", true)]
	triggers := [
		{"uuid": "u1", "kind": "sqs", "eventSourceArn": queue, "state": "Disabled", "stateTransitionReason": "USER_INITIATED", "onFailureDestination": null, "secretArns": [], "kmsKeyArn": null},
		{"uuid": "u2", "kind": "kinesis", "eventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s", "state": "Enabled", "stateTransitionReason": "User action", "lastProcessingResult": "PROBLEM: Function call failed", "onFailureDestination": null, "secretArns": [], "kmsKeyArn": null},
		{"uuid": "u3", "kind": "mq", "eventSourceArn": "arn:aws:mq:us-east-1:123456789012:broker:b:b-1", "state": "Disabled", "stateTransitionReason": "ESM_CONFIG_NOT_VALID", "onFailureDestination": null, "secretArns": [], "kmsKeyArn": null},
	]
	count(trigger_permissions.findings) == 0 with input as {"functions": [h.fn(reqs, {"triggers": triggers})]}
}

# A missing requirement of a mapping whose problem is not about access keeps the disabled clause.
test_user_disabled_mapping_keeps_disabled_clause if {
	reqs := [h.req("trigger", queue, "sqs:ReceiveMessage", "implicit-deny", true)]
	triggers := [{"uuid": "u1", "kind": "sqs", "eventSourceArn": queue, "state": "Disabled", "stateTransitionReason": "USER_INITIATED", "onFailureDestination": null, "secretArns": [], "kmsKeyArn": null}]
	some f in trigger_permissions.findings with input as {"functions": [h.fn(reqs, {"triggers": triggers})]}
	f.evidence.mappingProblem == null
	contains(f.message, "its event source mapping is disabled")
}

# A mapping's secret the role may not read is named itself, the source as context (before: "its
# event source secret <broker ARN>", the broker named as the secret). evidence.subject stays the
# source, evidence.secretArns names the secret.
test_secret_named_with_its_source if {
	broker := "arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234"
	secret := "arn:aws:secretsmanager:us-east-1:123456789012:secret:MQaccess-AbCdEf"
	reqs := [object.union(h.req("trigger-secret", broker, "secretsmanager:GetSecretValue", "implicit-deny", true), {"resource": secret})]
	triggers := [{"uuid": "u1", "kind": "mq", "eventSourceArn": broker, "state": "Enabled", "onFailureDestination": null, "secretArns": [secret], "kmsKeyArn": null}]
	fs := trigger_permissions.findings with input as {"functions": [h.fn(reqs, {"triggers": triggers})]}
	count(fs) == 1
	some f in fs
	f.detail == sprintf("trigger-secret:%s", [broker])
	f.message == sprintf("Function api: its execution role cannot use its secret %s of its event source %s (missing secretsmanager:GetSecretValue)", [secret, broker])
	f.evidence.subject == broker
	f.evidence.secretArns == [secret]
}

# Only the secret's key is missing (kms:Decrypt): the secrets of the source's mappings are named.
test_secret_key_names_the_secrets if {
	broker := "arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234"
	secret := "arn:aws:secretsmanager:us-east-1:123456789012:secret:MQaccess-AbCdEf"
	reqs := [h.req("trigger-secret", broker, "kms:Decrypt", "implicit-deny", true)]
	triggers := [{"uuid": "u1", "kind": "mq", "eventSourceArn": broker, "state": "Enabled", "onFailureDestination": null, "secretArns": [secret], "kmsKeyArn": null}]
	some f in trigger_permissions.findings with input as {"functions": [h.fn(reqs, {"triggers": triggers})]}
	startswith(f.message, sprintf("Function api: its execution role cannot use its secret %s of its event source %s (missing kms:Decrypt)", [secret, broker]))
	f.evidence.secretArns == [secret]
}

# Other purposes keep their evidence as it was: no secretArns.
test_no_secret_evidence_elsewhere if {
	reqs := [h.req("trigger", queue, "sqs:ReceiveMessage", "implicit-deny", true)]
	some f in trigger_permissions.findings with input as {"functions": [h.fn(reqs, {})]}
	not f.evidence.secretArns
}
