# METADATA
# title: Action the AWS action catalog does not know
# description: |
#   An Allow statement of an execution role names an action (or a wildcard pattern) that matches
#   no action in the AWS service authorization catalog: a typo (`dynamodb:GetItems`), a service
#   prefix that does not exist, or an action retired by AWS. IAM accepts such a policy and grants
#   nothing for the pattern, so the permission the author meant is missing (the function gets
#   AccessDenied on that path) and the policy misleads whoever reads it. It can also be an action
#   newer than the shipped catalog: the message names the catalog version. AWS managed policies
#   are left out (AWS keeps retired actions in them). Names that AWS's own SAM policy templates
#   write (SQSPollerPolicy's SQS batch API names) are info, and the message says so.
# related_resources:
#   - ref: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
#     description: Actions, resources, and condition keys for AWS services
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
#     description: IAM Access Analyzer policy check reference (unknown actions and services)
# custom:
#   id: LR019
#   name: unknown-action
#   severity: low
#   category: hygiene
#   remediation: |
#     Correct the action name (see the service's page in the Service Authorization Reference), or
#     remove it if the service or action no longer exists.
package leastrole.rules.unknown_action

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := [finding |
	some role in analysis.execution_roles
	some s in role.facts.statements
	s.effect == "Allow"
	count(s.unknownActions) > 0
	not aws_managed(s.policy)
	finding := {
		"resource": analysis.role_resource(role),
		"detail": analysis.statement_id(s.policy, s.index),
		"severity": severity(s),
		"message": text.format("Role %s: %s Statement[%s] allows %s, which %s no action in the AWS action catalog (iam-data %s): it grants nothing; %s", [analysis.display_name(role), analysis.policy_name(role, s.policy), s.index, concat(", ", s.unknownActions), verb(s.unknownActions), catalog_version, consequence(s)]),
		"evidence": {
			"policy": s.policy,
			"statementIndex": s.index,
			"sid": s.sid,
			"unknownActions": s.unknownActions,
			"catalogVersion": catalog_version,
		},
	}
]

# Names that AWS's own SAM policy templates write though they are not IAM actions: the API names
# of SQS's batch calls, authorised by sqs:DeleteMessage and sqs:ChangeMessageVisibility, which
# SQSPollerPolicy grants beside them. In a statement that grants the authorising action too, not
# a permission left missing: info, saying so. Written alone (a user's own policy), still low.
# test/rules/unknown-action.test.ts holds this table equal to the shipped SAM policy templates.
aws_template_names := {
	"sqs:changemessagevisibilitybatch": {"template": "SQSPollerPolicy", "authorisedBy": "sqs:ChangeMessageVisibility"},
	"sqs:deletemessagebatch": {"template": "SQSPollerPolicy", "authorisedBy": "sqs:DeleteMessage"},
}

from_aws_template(s) if {
	granted := {lower(a) | some a in s.actions}
	every a in s.unknownActions {
		entry := aws_template_names[lower(a)]
		lower(entry.authorisedBy) in granted
	}
}

severity(s) := "info" if from_aws_template(s)

severity(s) := "low" if not from_aws_template(s)

consequence(s) := text.format("AWS's SAM policy template %s writes %s, and %s, granted here too, authorise%s those calls", [
	concat(", ", sort({aws_template_names[lower(a)].template | some a in s.unknownActions})),
	it_or_them(s.unknownActions),
	concat(", ", sort({aws_template_names[lower(a)].authorisedBy | some a in s.unknownActions})),
	verb_s(s.unknownActions),
]) if {
	from_aws_template(s)
} else := "a typo leaves the intended permission missing"

it_or_them(patterns) := "it" if count(patterns) == 1

it_or_them(patterns) := "them" if count(patterns) > 1

verb_s(patterns) := "s" if count(patterns) == 1

verb_s(patterns) := "" if count(patterns) > 1

verb(patterns) := "names" if count(patterns) == 1

verb(patterns) := "name" if count(patterns) > 1

aws_managed(policy) if regex.match(`^arn:[^:]+:iam::aws:policy/`, policy)

default catalog_version := "unknown"

catalog_version := input.meta.iamDataVersion
