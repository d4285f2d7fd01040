# METADATA
# title: Execution role lacks what an event source, DLQ, destination, key, durable execution or Config rule needs
# description: |
#   Lambda uses the function's execution role, not the caller's, to poll event sources (SQS,
#   DynamoDB and Kinesis streams, MSK, Amazon MQ, DocumentDB, self-managed Kafka secrets), to send
#   failed events to the dead-letter queue or topic, to deliver to asynchronous destinations
#   (SQS, SNS, Lambda, EventBridge, S3), and to decrypt the environment with a customer managed KMS
#   key; a durable function's executions checkpoint their progress with it
#   (lambda:CheckpointDurableExecution, lambda:GetDurableExecutionState on `function:<name>:*`);
#   an AWS Config custom rule's evaluator (a `CUSTOM_LAMBDA` rule of the inputs names it, or its
#   resource policy lets config.amazonaws.com invoke it) reports its results with it
#   (config:PutEvaluations on `*`); a function with the Lambda Insights extension layer writes its
#   metrics with it to `/aws/lambda-insights` (CloudWatchLambdaInsightsExecutionRolePolicy:
#   logs:CreateLogStream and logs:PutLogEvents, and logs:CreateLogGroup, on that group); one with
#   an Application Signals layer (AWSOpenTelemetryDistroPython, Js, Java or DotNet) sends its spans
#   and metrics with it (CloudWatchLambdaApplicationSignalsExecutionRolePolicy: xray:PutTraceSegments,
#   and the three logs actions on `/aws/application-signals/data`); one that mounts an EFS access
#   point does so with it when the file system has a file system policy
#   (elasticfilesystem:ClientMount, and ClientWrite for a read-write mount, on the file system with
#   the access point as `elasticfilesystem:AccessPointArn`): reported as "may", since the inputs
#   hold neither that policy nor whether the mount is read-only.
#   When the role cannot, records pile up or are lost, the function fails to start, every
#   durable execution fails at its first step, or the Config rule never shows a result.
#   Each requirement is evaluated by the IAM engine on the exact ARN. Severity medium (data loss or
#   outage); low when only actions that older working setups lack are missing (kinesis:ListShards,
#   DescribeStreamSummary); info when a policy of the role could not be resolved. A resource that
#   is an unresolved template reference is never reported (undecidable).
#   A requirement of an event source mapping that is disabled (State Disabled or Disabling) is
#   reported at the same severity, saying so (`evidence.mappingDisabled`): nothing fails while
#   Lambda polls nothing, but it will when the mapping is enabled, and a mapping is often disabled
#   because it could not work.
#   When Lambda itself says it could not use the source for want of access (a mapping's
#   StateTransitionReason EVENT_SOURCE_AUTHZ_ERROR or EVENT_SOURCE_AUTHN_ERROR, or a
#   LastProcessingResult "PROBLEM: …" that names a refused authorisation or authentication, as the
#   Amazon MQ and Kafka troubleshooting pages list them), a missing requirement says so
#   (`evidence.mappingProblem`); and a mapping Lambda says this of whose requirements the role's
#   policies all allow is reported too (medium, detail `reported:<source>`): what refuses Lambda is
#   outside the execution role's identity policies (the source's or key's resource policy, an SCP,
#   the Kafka cluster's ACLs or the secret's credentials), and the records are not being read.
# related_resources:
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/services-mq-errors.html
#     description: Troubleshoot Amazon MQ event source mapping errors (StateTransitionReason codes)
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/with-kafka-troubleshoot.html
#     description: Troubleshooting Kafka event source mapping errors (LastProcessingResult)
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-permissions
#     description: SQS event source execution role permissions
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#events-dynamodb-permissions
#     description: DynamoDB Streams execution role permissions
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#events-kinesis-permissions
#     description: Kinesis execution role permissions
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
#     description: Destinations and dead-letter queues
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html
#     description: Securing environment variables
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/durable-security.html
#     description: Security and permissions for Lambda durable functions
#   - ref: https://docs.aws.amazon.com/config/latest/APIReference/API_PutEvaluations.html
#     description: "AWS Config PutEvaluations: required in every Lambda function an AWS Config rule invokes"
# custom:
#   id: LR010
#   name: trigger-permissions
#   severity: medium
#   category: configuration
#   needs_triggers: true
#   remediation: |
#     Grant the listed actions on the listed ARN (e.g. AWSLambdaSQSQueueExecutionRole's three
#     actions scoped to the queue; for a durable function the two checkpoint actions on
#     `function:<name>:*`, as AWSLambdaBasicDurableExecutionRolePolicy grants them on `*`; for a
#     Config rule's evaluator config:PutEvaluations on `*`, as AWSConfigRulesExecutionRole grants
#     it), and check that no Deny or permissions boundary removes them.
package leastrole.rules.trigger_permissions

import data.leastrole.lib.analysis
import data.leastrole.lib.text

purposes := {"trigger", "trigger-secret", "trigger-kms", "trigger-destination", "dead-letter", "destination", "environment-kms", "durable", "config-rule", "insights", "application-signals", "file-system"}

labels := {
	"trigger": "event source",
	"trigger-secret": "event source secret",
	# The source's own encryption (an SSE-KMS queue or stream, requirements.ts): the subject is the
	# queue or stream, whose records the poller decrypts with the execution role.
	"trigger-kms": "encrypted event source",
	"trigger-destination": "event source on-failure destination",
	"dead-letter": "dead-letter target",
	"destination": "destination",
	"environment-kms": "environment encryption key",
	"durable": "durable executions",
	# An AWS Config custom rule the function evaluates for (requirements.ts): the subject is the
	# rule's name, or the resource-policy statement that lets Config invoke it.
	"config-rule": "AWS Config rule",
	# The Lambda Insights extension layer's log group (requirements.ts): the subject is
	# /aws/lambda-insights, where the extension writes the function's metrics.
	"insights": "log group",
	# The Application Signals layer (requirements.ts): the subject is the layer's ARN.
	"application-signals": "layer",
	# An EFS access point the function mounts (requirements.ts): the subject is its ARN.
	"file-system": "EFS access point",
}

# What the role is for, by purpose: most are used; a Config rule's evaluator reports to its rule.
uses := {"config-rule": "report the results of", "insights": "write the metrics of its Lambda Insights extension to", "application-signals": "send the Application Signals telemetry of", "file-system": "mount"}

use(purpose) := uses[purpose] if {
	uses[purpose]
} else := "use"

findings := array.concat(missing_findings, reported_findings)

missing_findings := [finding |
	some fn in input.functions
	fn.analysis.roleFound
	missing := analysis.missing(fn, purposes)
	some key in {[r.purpose, r.subject] | some r in missing}
	reqs := [r | some r in missing; r.purpose == key[0]; r.subject == key[1]]
	actions := analysis.actions_of(reqs)
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": text.format("%s:%s", [key[0], key[1]]),
		"severity": severity(fn.analysis.roleIncomplete, essential(reqs)),
		"message": text.format("Function %s: its execution role %s %s its %s (missing %s)%s%s%s", [analysis.display_name(fn), verb(essential(reqs)), use(key[0]), what(fn, key[0], key[1], reqs), concat(", ", actions), purpose_note(key[0]), state_clause(fn, key[0], key[1]), module_advice(fn, key[0])]),
		"evidence": object.union(
			{
				"purpose": key[0],
				"subject": key[1],
				"roleArn": fn.roleArn,
				"missing": [{"action": r.action, "resource": r.resource, "decision": r.decision, "explanation": r.explanation} | some r in reqs],
				"roleIncomplete": fn.analysis.roleIncomplete,
				"mappingDisabled": mapping_disabled(fn, key[0], key[1]),
				"mappingProblem": mapping_problem(fn, key[0], key[1]),
			},
			secret_evidence(fn, key[0], key[1], reqs),
		),
	}
]

# What the role cannot use, as the message names it. A mapping's secret is named itself, with the
# source it holds the credentials of: the subject of a trigger-secret requirement is the mapping's
# source (the broker or cluster, requirements.ts), and before, "its event source secret
# arn:aws:mq:…:broker:…" named the broker as the secret.
what(fn, purpose, subject, reqs) := text.format("%s %s of its event source %s", [secret_label(secrets(fn, subject, reqs)), concat(", ", secrets(fn, subject, reqs)), subject]) if {
	purpose == "trigger-secret"
	count(secrets(fn, subject, reqs)) > 0
} else := text.format("%s %s", [labels[purpose], subject])

# When a purpose's requirements apply, where the inputs cannot tell: EFS checks the execution role
# only for a file system with a file system policy (without one any client that reaches a mount
# target may mount and write), and ClientWrite only for a read-write mount.
purpose_note("file-system") := "; EFS checks these when the file system has a file system policy, and ClientWrite only for a read-write mount"

purpose_note(purpose) := "" if purpose != "file-system"

secret_label(names) := "secret" if count(names) == 1

secret_label(names) := "secrets" if count(names) > 1

# The secrets a trigger-secret finding is about: those the role may not read
# (secretsmanager:GetSecretValue missing on them); when only the key they are encrypted with is
# missing (kms:Decrypt), every secret of the source's mappings.
secrets(fn, subject, reqs) := names if {
	names := sort({r.resource | some r in reqs; r.action == "secretsmanager:GetSecretValue"})
	count(names) > 0
} else := sort({s | some t in mappings(fn, "trigger-secret", subject); some s in t.secretArns})

# evidence.secretArns on a secret's finding (secrets above), evidence.subject staying the source.
secret_evidence(fn, "trigger-secret", subject, reqs) := {"secretArns": secrets(fn, subject, reqs)}

secret_evidence(_, purpose, _, _) := {} if purpose != "trigger-secret"

# A mapping Lambda says it could not use for want of access, though the role's policies allow
# everything the mapping needs (no missing requirement of its source): the refusal comes from
# somewhere the execution role's identity policies do not show, and the mapping reads nothing now.
reported_findings := [finding |
	some fn in input.functions
	fn.analysis.roleFound
	some t in fn.triggers
	problem := access_problem(t)
	source := mapping_source(t)
	count([r |
		some r in analysis.missing(fn, purposes)
		r.purpose in mapping_purposes
		r.subject == source
	]) == 0
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": text.format("reported:%s", [source]),
		"severity": severity(fn.analysis.roleIncomplete, true),
		"message": text.format("Function %s: Lambda reports that its event source mapping could not use %s (%s), though the execution role's policies allow every action the mapping needs: what refuses it is outside those policies (the source's or its key's resource policy, an SCP, a permissions boundary not read, or for Kafka the cluster's ACLs or the secret's credentials), and the mapping reads no records until it is fixed", [analysis.display_name(fn), source, problem]),
		"evidence": {
			"purpose": "trigger",
			"subject": source,
			"roleArn": fn.roleArn,
			"missing": [],
			"roleIncomplete": fn.analysis.roleIncomplete,
			"mappingDisabled": t.state in disabled_states,
			"mappingProblem": problem,
		},
	}
]

# What Lambda says of a mapping it could not use for want of access, or undefined. The codes are
# those of the Amazon MQ troubleshooting page (StateTransitionReason); the Kafka page names the
# refusals in LastProcessingResult ("Cluster failed to authorize Lambda", "SASL authentication
# failed", "Server failed to authenticate Lambda"). Other problems (a function error, a
# configuration that is not valid) are not the role's and are not read here.
access_codes := {"EVENT_SOURCE_AUTHZ_ERROR", "EVENT_SOURCE_AUTHN_ERROR"}

access_problem(t) := t.stateTransitionReason if {
	t.stateTransitionReason in access_codes
} else := t.lastProcessingResult if {
	is_string(t.lastProcessingResult)
	startswith(upper(t.lastProcessingResult), "PROBLEM")
	some word in ["AUTHORIZ", "AUTHORIS", "AUTHENTICAT", "PERMISSION", "ACCESS DENIED", "ACCESSDENIED", "NOT AUTHORIZED"]
	contains(upper(t.lastProcessingResult), word)
}

# A value (the first mapping's problem, or null), so the evidence always has it.
mapping_problem(fn, purpose, subject) := problems[0] if {
	problems := sort([p | some t in mappings(fn, purpose, subject); p := access_problem(t)])
	count(problems) > 0
} else := null

state_clause(fn, purpose, subject) := text.format("; Lambda reports that the mapping could not use it (%s)", [mapping_problem(fn, purpose, subject)]) if {
	mapping_problem(fn, purpose, subject) != null
} else := disabled_clause(fn, purpose, subject)

# The terraform-aws-modules/lambda input that grants what is missing (variables.tf, iam.tf): the
# module's dead-letter policy (on its dead_letter_target_arn) and async policy (on its
# destination_on_failure and destination_on_success) when the call does not attach them yet; else,
# and for event sources, keys and durable executions, which no attach_* input grants, a statement of
# its own in policy_statements.
module_advice(fn, purpose) := analysis.lambda_module_advice(fn, "set attach_dead_letter_policy = true there, which grants sns:Publish and sqs:SendMessage on its dead_letter_target_arn") if {
	purpose == "dead-letter"
	not analysis.lambda_module_attaches(fn, "dead_letter")
} else := analysis.lambda_module_advice(fn, "set attach_async_event_policy = true there, which grants sns:Publish, sqs:SendMessage, events:PutEvents and lambda:InvokeFunction on its destination_on_failure and destination_on_success") if {
	purpose == "destination"
	not analysis.lambda_module_attaches(fn, "async")
} else := analysis.lambda_module_advice(fn, "add the statement to its policy_statements input, with attach_policy_statements = true")

# The event source mappings a requirement comes from: its subject is the mapping's source (the
# source, its secrets and its encryption) or the mapping's on-failure destination
# (requirements.ts). Other purposes (dead-letter, destination, keys, durable) have none.
mapping_purposes := {"trigger", "trigger-secret", "trigger-kms"}

mappings(fn, purpose, subject) := [t | some t in fn.triggers; t.onFailureDestination == subject] if {
	purpose == "trigger-destination"
} else := [t | some t in fn.triggers; mapping_source(t) == subject] if {
	purpose in mapping_purposes
} else := []

# As requirements.ts names a mapping without a source ARN (self-managed Kafka).
mapping_source(t) := t.eventSourceArn if {
	is_string(t.eventSourceArn)
} else := text.format("self-managed-kafka:%s", [t.uuid]) if {
	is_string(t.uuid)
} else := "self-managed-kafka:unknown"

# Lambda polls nothing through a disabled mapping (State Disabled, or Disabling on its way there):
# nothing fails now, but it will when the mapping is enabled. Said, not dropped: a mapping is often
# disabled because it could not work. A value, so the evidence always has it.
disabled_states := {"Disabled", "Disabling"}

mapping_disabled(fn, purpose, subject) if {
	ms := mappings(fn, purpose, subject)
	count(ms) > 0
	every t in ms {
		t.state in disabled_states
	}
} else := false

disabled_clause(fn, purpose, subject) := text.format("; %s: Lambda reads nothing through it now, and needs these permissions when it is enabled", [disabled_phrase(count(mappings(fn, purpose, subject)))]) if {
	mapping_disabled(fn, purpose, subject)
} else := ""

disabled_phrase(1) := "its event source mapping is disabled"

disabled_phrase(n) := "its event source mappings are disabled" if n > 1

# A value (true/false), not a boolean rule: a rule that fails would leave the finding undefined.
essential(reqs) := count([r | some r in reqs; r.essential]) > 0

verb(true) := "cannot"

verb(false) := "may not be able to"

severity(true, _) := "info"

severity(false, true) := "medium"

# Only actions that current AWS guidance adds but older working setups lack (kinesis:ListShards …).
severity(false, false) := "low"
