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
