package leastrole.rules.unused_permission_test

import data.leastrole.rules.unused_permission

fn_arn := "arn:aws:lambda:us-east-1:123456789012:function:api"

perm(action, label, exception) := {"action": action, "label": label, "reason": null, "lastUsed": null, "daysSinceLastUsed": null, "sources": ["cloudtrail"], "exception": exception}

doc(full, perms) := {
	"functions": [{"arn": fn_arn, "name": "api"}],
	"usage": {
		"present": true,
		"window": {"start": "2026-10-01T00:00:00Z", "end": "2026-10-31T00:00:00Z", "days": 30},
		"labels": [{"roleArn": "arn:aws:iam::123456789012:role/api", "functionArn": fn_arn, "fullWindow": full, "permissions": perms}],
	},
}

test_unused_actions_are_reported if {
	fs := unused_permission.findings with input as doc(true, [
		perm("dynamodb:GetItem", "used", null),
		perm("dynamodb:DeleteTable", "unused", null),
		perm("s3:DeleteBucket", "unused", null),
	])
	count(fs) == 1
	some f in fs
	f.resource == {"type": "function", "arn": fn_arn, "name": "api"}
	f.evidence.unused == ["dynamodb:DeleteTable", "s3:DeleteBucket"]
	f.message == "Function api did not use 2 granted actions in the 30-day usage window: dynamodb:DeleteTable, s3:DeleteBucket"
}

test_not_reported_without_full_window if {
	count(unused_permission.findings) == 0 with input as doc(false, [perm("s3:DeleteBucket", "unused", null)])
}

test_unknowable_and_too_new_are_not_unused if {
	fs := unused_permission.findings with input as doc(true, [perm("s3:GetObject", "unknowable", null), perm("sqs:SendMessage", "too-new", null)])
	count(fs) == 0
}

test_kept_exceptions_are_not_reported if {
	count(unused_permission.findings) == 0 with input as doc(true, [perm("sns:Publish", "unused", {"reason": "disaster recovery"})])
}

test_kept_exceptions_listed_in_evidence if {
	some f in unused_permission.findings with input as doc(true, [perm("sns:Publish", "unused", {"reason": "disaster recovery"}), perm("sqs:SendMessage", "unused", null), perm("s3:GetObject", "unknowable", null)])
	f.evidence.unused == ["sqs:SendMessage"]
	f.evidence.keptExceptions == [{"action": "sns:Publish", "reason": "disaster recovery"}]
	f.evidence.unknowable == 1
}

test_no_usage_no_finding if {
	d := doc(true, [perm("s3:DeleteBucket", "unused", null)])
	count(unused_permission.findings) == 0 with input as object.union(d, {"usage": object.union(d.usage, {"present": false})})
}

test_role_level_labels_are_skipped if {
	d := {"functions": [], "usage": {"present": true, "window": null, "labels": [{"roleArn": "r", "functionArn": null, "fullWindow": true, "permissions": [perm("s3:DeleteBucket", "unused", null)]}]}}
	count(unused_permission.findings) == 0 with input as d
}

test_many_unused_are_summarised if {
	some f in unused_permission.findings with input as doc(true, [perm(sprintf("s3:Action%d", [i]), "unused", null) | some i in numbers.range(1, 10)])
	endswith(f.message, "and 2 more")
}

test_function_outside_the_document_named_from_arn if {
	d := doc(true, [perm("s3:DeleteBucket", "unused", null)])
	some f in unused_permission.findings with input as object.union(d, {"functions": []})
	f.resource.name == "api"
}

# The evaluator's slimmed input (src/evaluate/rules-view.ts): unused permissions listed, the other
# labels counted. Same finding as the full list.
test_label_counts_stand_for_listed_labels if {
	full := doc(true, [
		perm("dynamodb:GetItem", "used", null),
		perm("dynamodb:Query", "used", null),
		perm("s3:GetObject", "unknowable", null),
		perm("sqs:SendMessage", "too-new", null),
		perm("s3:DeleteBucket", "unused", null),
	])
	slim_labels := {"roleArn": "arn:aws:iam::123456789012:role/api", "functionArn": fn_arn, "fullWindow": true, "permissions": [perm("s3:DeleteBucket", "unused", null)], "labelCounts": {"used": 2, "unknowable": 1, "too-new": 1, "unused": 1}}
	slim := object.union(full, {"usage": object.union(full.usage, {"labels": [slim_labels]})})
	fs_full := unused_permission.findings with input as full
	fs_slim := unused_permission.findings with input as slim
	count(fs_full) == 1
	fs_full == fs_slim
	some f in fs_slim
	f.evidence.used == 2
	f.evidence.unknowable == 1
	f.evidence.tooNew == 1
}

test_label_counts_absent_label_is_zero if {
	d := doc(true, [perm("s3:DeleteBucket", "unused", null)])
	slim := object.union(d, {"usage": object.union(d.usage, {"labels": [object.union(d.usage.labels[0], {"labelCounts": {"unused": 1}})]})})
	some f in unused_permission.findings with input as slim
	f.evidence.used == 0
	f.evidence.tooNew == 0
}

# The evaluator's view (src/evaluate/rules-view.ts) gives the counts and the first actions instead
# of the permission list, and the list itself as a held list's token, which the evaluator replaces
# with the list (src/evaluate/held-lists.ts): the finding is the same as from the whole document,
# with the token where the list goes.
test_the_view_gives_the_same_finding_as_the_permission_list if {
	listed := unused_permission.findings with input as doc(true, [
		perm("sqs:SendMessage", "unused", null),
		perm("sns:Publish", "unused", {"reason": "disaster recovery"}),
		perm("dynamodb:GetItem", "used", null),
		perm("s3:GetObject", "unknowable", null),
		perm("dynamodb:DeleteTable", "unused", null),
	])
	from_view := unused_permission.findings with input as view_of({
		"unusedActionCount": 2,
		"unusedActionsHead": ["dynamodb:DeleteTable", "sqs:SendMessage"],
		"unusedActionsHeld": "7",
		"keptExceptions": [{"action": "sns:Publish", "reason": "disaster recovery"}],
		"labelCounts": {"unused": 3, "used": 1, "unknowable": 1},
	})
	count(listed) == 1
	some l in listed
	l.evidence.unused == ["dynamodb:DeleteTable", "sqs:SendMessage"]
	from_view == [json.patch(l, [{"op": "replace", "path": "/evidence/unused", "value": {"$held": "7"}}])]
}

# More than eight: the message names the view's first eight and says how many more.
test_the_view_names_its_head_and_counts_the_rest if {
	some f in unused_permission.findings with input as view_of({
		"unusedActionCount": 10,
		"unusedActionsHead": ["s3:A", "s3:B", "s3:C", "s3:D", "s3:E", "s3:F", "s3:G", "s3:H"],
		"unusedActionsHeld": "0",
		"keptExceptions": [],
		"labelCounts": {"unused": 10},
	})
	f.message == "Function api did not use 10 granted actions in the 30-day usage window: s3:A, s3:B, s3:C, s3:D, s3:E, s3:F, s3:G, s3:H and 2 more"
	f.evidence.unused == {"$held": "0"}
	f.evidence.used == 0
}

# None unused in the view: no finding, and no token (the view holds no empty list).
test_the_view_with_nothing_unused_finds_nothing if {
	count(unused_permission.findings) == 0 with input as view_of({
		"unusedActionCount": 0,
		"unusedActionsHead": [],
		"unusedActionsHeld": null,
		"keptExceptions": [],
		"labelCounts": {"used": 3},
	})
}

view_of(digest) := object.union(d, {"usage": object.union(d.usage, {"labels": [object.union(
	{"roleArn": "arn:aws:iam::123456789012:role/api", "functionArn": fn_arn, "fullWindow": true},
	digest,
)]})}) if d := doc(true, [])

# The function of one of the CDK's own handlers (its role's cdkHandler): the handler runs only when
# CloudFormation creates, updates or deletes its custom resource, and the CDK writes the grants, so
# the message says so and what the app can do (policies/lib/analysis.rego).
cdk_doc(handler) := object.union(doc(true, [perm("logs:PutRetentionPolicy", "used", null), perm("logs:DeleteRetentionPolicy", "unused", null)]), {"roles": [{
	"arn": "arn:aws:iam::123456789012:role/api", "name": "api-role", "cdkHandler": handler,
}]})

test_cdk_handler_function_says_when_it_runs if {
	fs := unused_permission.findings with input as cdk_doc({"kind": "log-retention", "construct": "S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"})
	count(fs) == 1
	some f in fs
	f.evidence.unused == ["logs:DeleteRetentionPolicy"]
	startswith(f.message, "Function api did not use 1 granted action in the 30-day usage window: logs:DeleteRetentionPolicy. The CDK's LogRetention handler S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a runs only when CloudFormation creates, updates or deletes its custom resources, so a window without such a deployment does not show its calls.")
	contains(f.message, "The CDK writes these grants for its LogRetention handler S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a,")
}

test_cdk_aws_custom_resource_function_names_no_single_policy if {
	some f in unused_permission.findings with input as cdk_doc({"kind": "aws-custom-resource", "construct": "S/AWS679f53fac002430cb0da5b7982bd2287", "awsCustomResources": {"inline:a": "S/A"}})
	contains(f.message, "The role is the CDK's AwsCustomResource handler S/AWS679f53fac002430cb0da5b7982bd2287, shared by the stack's AwsCustomResources, each adding its policy: give the ones that add these grants AwsCustomResourcePolicy.fromSdkCalls")
}

test_function_of_another_role_gets_no_cdk_advice if {
	some f in unused_permission.findings with input as object.union(doc(true, [perm("s3:DeleteBucket", "unused", null)]), {"roles": [{"arn": "arn:aws:iam::123456789012:role/api", "name": "api-role"}]})
	f.message == "Function api did not use 1 granted action in the 30-day usage window: s3:DeleteBucket"
}

# A template's or plan's function is named as the user's code names it (displayName).
test_iac_function_is_named_as_written if {
	d := doc(true, [perm("s3:DeleteBucket", "unused", null)])
	fs := unused_permission.findings with input as object.union(d, {"functions": [{"arn": fn_arn, "name": "api", "displayName": "Orders/Api"}]})
	some f in fs
	f.message == "Function Orders/Api did not use 1 granted action in the 30-day usage window: s3:DeleteBucket"
	f.resource == {"type": "function", "arn": fn_arn, "name": "api"}
}
