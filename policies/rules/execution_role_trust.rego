# METADATA
# title: Execution role trusts principals other than Lambda
# description: |
#   The trust policy of a role that Lambda assumes also lets other principals assume it: a
#   wildcard (anyone, in any account), another AWS account or principal, a federated identity
#   provider, or another service. Anyone who can assume the role gets the function's permissions
#   without going through the function. Severity: a wildcard principal without a condition
#   pinning the caller is critical, with one high; a federated
#   provider or another account without such a condition high, with one medium; a principal of
#   the same account medium; another AWS service low. A Cognito identity pool whose statement
#   admits its unauthenticated identities (`cognito-identity.amazonaws.com:amr` `unauthenticated`)
#   is critical: the pool gives a guest identity to anyone who asks, whatever `aud` says.
#   A wildcard whose condition names the role's own account (`aws:PrincipalAccount`, or an
#   `aws:PrincipalArn` in it) is as a principal of that account: medium. An Allow with
#   NotPrincipal is reported low as a policy IAM refuses in a trust policy (it cannot be deployed),
#   not as trusting everyone; so is a Deny with NotPrincipal, which is not applied (it takes no one
#   back).
# related_resources:
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
#     description: Lambda execution role (trust policy)
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
#     description: The confused deputy problem
# custom:
#   id: LR011
#   name: execution-role-trust
#   severity: high
#   category: trust
#   remediation: |
#     Make the trust policy allow only `lambda.amazonaws.com` (and `edgelambda.amazonaws.com` for
#     Lambda@Edge) to call sts:AssumeRole; give other callers a role of their own.
package leastrole.rules.execution_role_trust

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := [finding |
	some role in input.roles
	role.trustsLambda
	others := [p | some p in role.analysis.trust.principals; p.kind != "lambda"]
	extra := not_principal(role)
	count(others) + count(extra) > 0
	severities := array.concat([principal_severity(p) | some p in others], extra)
	described := sort({text.format("%s %s (%s%s)", [p.kind, p.identifier, statement_of(p), restricted_note(p)]) | some p in others})
	parts := array.concat([t | count(described) > 0; t := text.format("can also be assumed by %s", [concat(", ", described)])], refused_texts(role))
	finding := {
		"resource": analysis.role_resource(role),
		"severity": analysis.max_severity(severities),
		"message": text.format("Execution role %s %s", [analysis.display_name(role), concat("; it also ", parts)]),
		"evidence": {
			"principals": others,
			"notPrincipalAllow": role.analysis.trust.notPrincipalAllow,
		},
	}
]

# NotPrincipal with Allow: IAM refuses it in a role trust policy ("You cannot use the NotPrincipal
# element in ... an IAM role trust policy", IAM User Guide, NotPrincipal), so the policy cannot be
# deployed (a template or plan fails at CreateRole) nor exist in an account as written. Not
# "everyone but those listed": it lets no one in. Low: worth fixing, not an exposure.
not_principal(role) := ["low"] if refused(role)

not_principal(role) := [] if not refused(role)

refused(role) if role.analysis.trust.notPrincipalAllow

# NotPrincipal with Deny: IAM refuses it in a role trust policy as well (the same sentence names
# no Effect), so the policy cannot be deployed either. The analysis does not apply such a Deny
# (it takes no one back) and trustsLambda follows the Allow statements, so the role is still
# reported here: low, as for an Allow.
refused(role) if count(deny_statements(role)) > 0

deny_statements(role) := object.get(role.analysis.trust, "notPrincipalDenyStatements", [])

refused_texts(role) := array.concat(
	[t | role.analysis.trust.notPrincipalAllow; t := not_principal_text(role)],
	[t | count(deny_statements(role)) > 0; t := not_principal_deny_text(role)],
)

restricted_note(p) := "; with a restricting condition" if p.restricted

restricted_note(p) := "; its unauthenticated identities: anyone who asks the identity pool" if object.get(p, "guests", false)

restricted_note(p) := "" if {
	not p.restricted
	not object.get(p, "guests", false)
}

# Which statement of the trust policy lets the principal in, by index and Sid (the analysis's
# `sid`, absent without one): what to edit.
statement_of(p) := text.format("Statement[%s] %s", [p.statementIndex, json.marshal(p.sid)]) if {
	is_string(p.sid)
} else := text.format("Statement[%s]", [p.statementIndex])

principal_severity(p) := "critical" if {
	p.kind == "wildcard"
	not p.restricted
}

principal_severity(p) := "high" if {
	p.kind == "wildcard"
	p.restricted
	not object.get(p, "ownAccountOnly", false)
}

# `*` whose conditions admit only the role's own account (`ownAccountOnly`): as a principal of it.
principal_severity(p) := "medium" if {
	p.kind == "wildcard"
	p.restricted
	object.get(p, "ownAccountOnly", false)
}

principal_severity(p) := "high" if {
	outside(p)
	not p.restricted
}

principal_severity(p) := "medium" if {
	outside(p)
	p.restricted
}

principal_severity(p) := "medium" if {
	p.kind in {"aws-account", "aws-principal"}
	not p.crossAccount
}

principal_severity(p) := "low" if p.kind == "service"

principal_severity(p) := "high" if p.kind == "canonical-user"

outside(p) if {
	p.kind == "federated"
	not object.get(p, "guests", false)
}

# A Cognito identity pool's guests (`guests`): anyone on the internet can get such an identity.
principal_severity(p) := "critical" if object.get(p, "guests", false)

outside(p) if {
	p.kind in {"aws-account", "aws-principal"}
	p.crossAccount
}

not_principal_text(role) := text.format("has a trust policy IAM does not accept: %s NotPrincipal with Effect Allow, which a role trust policy cannot hold, so CreateRole and UpdateAssumeRolePolicy refuse it (a template or plan with it fails to deploy) and no account holds it as written; it lets no one in. Name the principals in Principal", [not_principal_statements(role)])

not_principal_statements(role) := text.format("%s uses", [concat(", ", [text.format("Statement[%s]", [i]) | some i in indexes])]) if {
	indexes := role.analysis.trust.notPrincipalAllowStatements
	count(indexes) == 1
} else := text.format("%s use", [concat(", ", [text.format("Statement[%s]", [i]) | some i in role.analysis.trust.notPrincipalAllowStatements])]) if {
	count(role.analysis.trust.notPrincipalAllowStatements) > 1
} else := "a statement uses"

not_principal_deny_text(role) := text.format("has a trust policy IAM does not accept: %s NotPrincipal with Effect Deny, which a role trust policy cannot hold either, so CreateRole and UpdateAssumeRolePolicy refuse it (a template or plan with it fails to deploy) and no account holds it as written; it takes no one back. Name the principals to deny in Principal, or let the Allow statements name only who may assume the role", [statement_list(deny_statements(role))])

statement_list(indexes) := text.format("%s uses", [concat(", ", [text.format("Statement[%s]", [i]) | some i in indexes])]) if {
	count(indexes) == 1
} else := text.format("%s use", [concat(", ", [text.format("Statement[%s]", [i]) | some i in indexes])])
