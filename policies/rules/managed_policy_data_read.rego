# METADATA
# title: AWS managed policy lets the function read every object, secret or parameter
# description: |
#   An AWS managed policy attached to an execution role grants, on every resource (`*`, or an ARN
#   whose resource part is a wildcard such as `arn:aws:s3:::*` or `parameter/*`), an action that
#   reads stored data or secrets: s3:GetObject, secretsmanager:GetSecretValue, ssm:GetParameter(s),
#   kms:Decrypt or dynamodb:Scan. Code running in the function (or anyone who gets its code or
#   credentials) can then read every S3 object, secret, parameter, table or KMS-encrypted value of
#   the account, not only the ones the function uses. LR003 does not look at AWS managed policies
#   (they cannot be edited) and LR004 only reports full-access ones, so read-only policies such as
#   AmazonS3ReadOnlyAccess, AmazonSSMReadOnlyAccess, AmazonEC2RoleforSSM or the legacy
#   AWSLambdaExecute were silent before this rule; Cloudsplaining reports the same actions as "data
#   exfiltration" (see docs/comparison.md). Decided from the role's allowed sensitive actions, so a
#   Deny or a permissions boundary that removes the action removes the finding. Severity medium;
#   low when the action is granted on every resource only under a condition.
# related_resources:
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/permissions-executionrole.html
#     description: Lambda execution role
#   - ref: https://github.com/salesforce/cloudsplaining/blob/master/docs/glossary/data-exfiltration.md
#     description: Cloudsplaining, data exfiltration
# custom:
#   id: LR018
#   name: managed-policy-data-read
#   severity: medium
#   category: least-privilege
#   remediation: |
#     Detach the AWS managed policy and grant the read actions on the buckets, secrets, parameters,
#     tables or keys the function uses, in an inline or customer managed policy (`leastrole generate`
#     writes it from usage).
package leastrole.rules.managed_policy_data_read

import data.leastrole.lib.analysis
import data.leastrole.lib.text

# Cloudsplaining's default data-exfiltration list, plus the reads that return a whole table or a
# decrypted value; all of them are in the engine's SENSITIVE_ACTIONS, so facts list them uncapped.
data_read_actions := {
	"s3:GetObject",
	"secretsmanager:GetSecretValue",
	"ssm:GetParameter",
	"ssm:GetParameters",
	"kms:Decrypt",
	"dynamodb:Scan",
}

findings := [finding |
	some role in analysis.execution_roles
	some policy in managed_policies_reading_all(role)
	grants := [s |
		some s in role.facts.sensitiveActions
		reads_everything(s)
		policy in s.grantedBy
	]
	finding := {
		"resource": analysis.role_resource(role),
		"detail": policy,
		"severity": severity(grants),
		"message": text.format("Role %s: the AWS managed policy %s lets the function read every resource of the account with %s", [
			analysis.display_name(role), analysis.name_of_arn(policy), concat(", ", sort([s.action | some s in grants])),
		]),
		"evidence": {
			"policy": policy,
			"actions": sort([s.action | some s in grants]),
			"resources": sort({r | some s in grants; some r in s.resources; analysis.every_resource(r)}),
			"conditional": all_conditional(grants),
		},
	}
]

# AWS managed policies (not reported by LR004) through which the role reads everything. A grant
# that a customer managed or inline policy also makes is left to LR003, which reports that
# statement: the facts do not say which of the granting policies holds the wildcard.
managed_policies_reading_all(role) := {p |
	some s in role.facts.sensitiveActions
	reads_everything(s)
	every q in s.grantedBy {
		aws_managed(q)
	}
	some p in s.grantedBy
	not full_access(role, p)
}

reads_everything(s) if {
	s.action in data_read_actions
	some r in s.resources
	analysis.every_resource(r)
}

aws_managed(arn) if contains(arn, ":iam::aws:policy/")

full_access(role, arn) if {
	some p in role.analysis.fullAccessPolicies
	p.arn == arn
}

severity(grants) := "low" if all_conditional(grants)

severity(grants) := "medium" if not all_conditional(grants)

# Every grant reads everything only under a condition: what its unconditional statements grant
# (a named bucket beside `*` with a condition) is not every resource.
all_conditional(grants) if {
	every s in grants {
		not unconditional_everything(s)
	}
}

all_conditional(grants) := false if {
	some s in grants
	unconditional_everything(s)
}

unconditional_everything(s) if {
	some r in s.resources
	analysis.every_resource(r)
	not analysis.conditional_on(s, r)
}
