# METADATA
# title: Calls the function made that were denied
# description: |
#   The function's own session (CloudTrail, usage section) made calls that AWS denied
#   (AccessDenied and similar). Either the role lacks a permission the code needs (a latent
#   failure), or something in the function is probing for access it should not have. Severity low:
#   it is a signal to investigate, not an exposure by itself.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
#     description: Troubleshooting access denied error messages
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
#     description: CloudTrail record contents (errorCode)
# custom:
#   id: LR009
#   name: denied-call
#   severity: low
#   category: usage
#   # True: its findings come only from the calls CloudTrail recorded (input.usage.principals), so
#   # `diff` does not call one fixed against inputs without usage (docs/iac.md).
#   needs_usage: true
#   # True: the denied calls are CloudTrail's; an Access Advisor report shows only what was
#   # accessed, so `diff` does not call a finding fixed against usage without CloudTrail covering it.
#   needs_calls: true
#   remediation: |
#     If the code needs the action, grant it on the specific resource; if it does not, find out why
#     the function calls it (a dependency, a misconfiguration, or a compromise).
package leastrole.rules.denied_call

import data.leastrole.lib.analysis
import data.leastrole.lib.functions
import data.leastrole.lib.text

findings := [finding |
	input.usage.present
	some positions in denied_principals
	ordered := sort(positions)
	p := input.usage.principals[ordered[0]]
	pairs := [[input.usage.principals[i], a] | some i in ordered; some a in input.usage.principals[i].actions; a.deniedCount > 0]
	denied := [pair[1] | some pair in pairs]
	resource := resource_of(p)
	total := sum([a.deniedCount | some a in denied])
	summary := sort([text.format("%s (%s)", [name, action_text(name, [pair | some pair in pairs; pair[1].action == name])]) | some name in {a.action | some a in denied}])
	finding := {
		"resource": resource,
		"detail": detail(p),
		"message": text.format("Function %s made %s: %s", [function_label(p), analysis.counted(total, "denied call"), concat(", ", summary)]),
		"evidence": {
			"roleArn": p.roleArn,
			"denied": [object.union(
				object.union(
					object.union(
						{"action": a.action, "deniedCount": a.deniedCount, "count": a.count, "errorCodes": a.errorCodes, "resources": a.resources, "lastSeen": a.lastSeen},
						denied_only(a),
					),
					denied_by(a),
				),
				environment_key_note(pair[0], a),
			) |
				some pair in pairs
				a := pair[1]
			],
		},
	}
]

# The function sessions with a denied call, by what the finding is on (their positions in the usage
# section): one function may have several principals (the records that say which function the
# credentials were issued to, userIdentity.inScopeOf, and older ones attributed by session name:
# src/usage/labels.ts), reported as one finding.
denied_principals[key] contains i if {
	some i, p in input.usage.principals
	p.sessionKind == "function"
	some a in p.actions
	a.deniedCount > 0
	key := [p.roleArn, principal_key(p)]
}

principal_key(p) := p.functionArn if is_string(object.get(p, "functionArn", null))

principal_key(p) := text.format("session:%s", [function_name(p)]) if not is_string(object.get(p, "functionArn", null))

# An action's refusals as the message says them (counted_text); when every one of them is Lambda's
# own decryption of the environment under aws/lambda (lambda_environment_decrypt), saying so: the
# fix is not in the role's policies (the entry's lambdaEnvironmentKey says what it is).
action_text(name, same_pairs) := text.format("%s; %s", [counted_text([pair[1] | some pair in same_pairs]), "Lambda's own, decrypting the environment variables with the AWS managed key aws/lambda"]) if {
	every pair in same_pairs {
		lambda_environment_decrypt(pair[0], pair[1])
	}
} else := counted_text([pair[1] | some pair in same_pairs])

# A refused kms:Decrypt in Lambda's own sessions on the role that name the function (folded into the
# function's principal as `awslambda_*`, src/usage/attribution.ts), of a function with environment
# variables and no KMSKeyArn: Lambda decrypting the environment with the AWS managed key aws/lambda
# ("By default, Lambda uses an AWS managed key … Lambda creates the AWS managed key in your account
# and manages permissions to it for you": Lambda developer guide, "Securing environment
# variables"). Lambda lets the execution role use it by the role's unique ID, not through the
# role's policies, which no longer holds once the role was deleted and re-created with the same
# name; setting the function's role to another and back makes Lambda do it again (AWS re:Post
# knowledge center, "lambda-kmsaccessdeniedexception-errors"). Before, LR009's advice was to grant
# the action in the role, which changes nothing. With a customer managed key (KMSKeyArn) the
# execution role does need kms:Decrypt on it (LR010's environment-kms requirement), and nothing is
# added.
lambda_environment_decrypt(p, a) if {
	a.action == "kms:Decrypt"
	p.sessionName == "awslambda_*"
	fn := functions.by_arn[p.functionArn]
	object.get(fn, "kmsKeyArn", null) == null
	count(object.get(fn, "environmentVariableNames", [])) > 0
}

environment_key_note(p, a) := {"lambdaEnvironmentKey": concat(" ", [
	"Lambda decrypts the environment variables under the AWS managed key aws/lambda with the execution role, which Lambda itself lets use the key (by the role's unique ID), not the role's policies: granting kms:Decrypt in the role does not lift this.",
	"Update the function's configuration (set its execution role to another and back) so that Lambda lets the role use the key again: it no longer can once the role was deleted and re-created with the same name.",
])} if {
	lambda_environment_decrypt(p, a)
} else := {"lambdaEnvironmentKey": concat(" ", [
	"If these were Lambda decrypting the function's environment variables, which are under the AWS managed key aws/lambda (no KMSKeyArn), the role's policies do not govern them: Lambda itself lets the execution role use that key (by the role's unique ID), and granting kms:Decrypt in the role does not lift the refusal; update the function's configuration (set its execution role to another and back) so that Lambda does again.",
	"If they were the code's own, grant kms:Decrypt on the key (the records do not say which: leastrole does not read their encryption context).",
])} if {
	possible_environment_decrypt(p, a)
} else := {}

# The same refusal in the function's own session (named after the function): Lambda decrypts the
# environment with the execution role (AWS Support, quoted in luxifr.github.io's "AWS Lambda
# invocation error decrypting environment", 2023: "whenever Lambda tries to decrypt environment
# variables using the function execution role with different Principal ID, KMS service denies the
# request"), and so may the code; the records leastrole reads do not tell them apart (their
# encryption context would): both fixes are said.
possible_environment_decrypt(p, a) if {
	a.action == "kms:Decrypt"
	p.sessionName != "awslambda_*"
	fn := functions.by_arn[p.functionArn]
	object.get(fn, "kmsKeyArn", null) == null
	count(object.get(fn, "environmentVariableNames", [])) > 0
}

# An action's refusals, as count_and_reasons says them; an action refused in several of the
# function's sessions is said once, with their calls and reasons together.
counted_text(same) := count_and_reasons(same[0]) if count(same) == 1

counted_text(same) := count_and_reasons({"deniedCount": sum([a.deniedCount | some a in same]), "deniedBy": sort({r | some a in same; some r in object.get(a, "deniedBy", [])})}) if count(same) > 1

# The function as the user's code names it (analysis.display_name), when the document holds it.
function_label(p) := analysis.display_name(functions.by_arn[p.functionArn]) if {
	is_string(object.get(p, "functionArn", null))
	functions.by_arn[p.functionArn]
} else := function_name(p)

function_name(p) := p.functionName if {
	is_string(p.functionName)
} else := object.get(p, "sessionName", "unknown")

resource_of(p) := analysis.function_resource(object.get(functions.by_arn, p.functionArn, {"arn": p.functionArn, "name": function_name(p)})) if is_string(object.get(p, "functionArn", null))

# A function session that could not be joined to a function in the document: report on its role.
resource_of(p) := {"type": "role", "arn": p.roleArn, "name": analysis.name_of_arn(p.roleArn)} if not is_string(object.get(p, "functionArn", null))

detail(p) := "" if is_string(object.get(p, "functionArn", null))

detail(p) := text.format("session:%s", [function_name(p)]) if not is_string(object.get(p, "functionArn", null))

# `resources` are those of every call of the action, the allowed ones too: a function that read one
# secret and was refused another listed both as if both were refused. The resources seen only in
# denied calls are those not in the sample of allowed calls (`authorized`); known only when neither
# sample was capped, and absent then (a resource both allowed and refused is not among them).
denied_only(a) := {"deniedResources": [r | some r in a.resources; not r in {x | some x in a.authorized.resources}]} if {
	is_object(object.get(a, "authorized", null))
	a.resourcesTruncated == false
	a.authorized.resourcesTruncated == false
} else := {}

# Which policy type refused, when the refusals' messages said (usage `deniedBy`, src/usage/denials.ts):
# an explicit deny or a missing allow anywhere but the role's identity-based policies is not fixed
# by granting the action in the role, so the message says it beside the count.
count_and_reasons(a) := text.format("%s; %s", [a.deniedCount, concat(", ", [reason_text(r) | some r in a.deniedBy])]) if {
	count(object.get(a, "deniedBy", [])) > 0
} else := text.format("%s", [a.deniedCount])

reason_text(r) := text.format("explicit deny in %s %s", [article(r.policy), r.policy]) if r.kind == "explicit-deny"

reason_text(r) := text.format("no %s allows it", [r.policy]) if r.kind == "no-allow"

article(policy) := "an" if startswith(policy, "identity")

article(policy) := "a" if not startswith(policy, "identity")

denied_by(a) := {"deniedBy": a.deniedBy} if count(object.get(a, "deniedBy", [])) > 0

else := {}
