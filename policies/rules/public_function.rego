# METADATA
# title: Function invocable by the public, by any account's resources, or cross-account
# description: |
#   The function's resource-based policy lets someone outside the account invoke, read or change
#   it: Principal `*` without a condition pinning the source (critical: anyone with AWS
#   credentials), a service principal (s3, sns, events …) without aws:SourceArn naming an account or
#   aws:SourceAccount (medium: the confused-deputy problem, any account's bucket or topic can
#   trigger it; high when it may read or change the function; so too Principal `*` held to the
#   organisation by a Deny that exempts service principals), or another AWS account (medium to
#   invoke, high to read the code and environment variables or to change the function). A
#   condition pins the source only with fixed values: a wildcard in the account, `...IfExists`,
#   `ForAllValues:`, `Null` or a negated operator admit any caller. A function URL with AuthType
#   NONE is a public HTTPS endpoint when the policy of its qualifier lets anyone call it (high;
#   suppress it when the function authenticates callers itself); with no such grant it answers 403
#   (low: one add-permission opens it), unless the policy could not be read (high: unknown).
# related_resources:
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
#     description: Resource-based policies for Lambda
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
#     description: Control access to Lambda function URLs
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
#     description: The confused deputy problem
# custom:
#   id: LR012
#   name: public-function
#   severity: high
#   category: exposure
#   remediation: |
#     Remove the statement (`aws lambda remove-permission --statement-id …`, with `--qualifier` for
#     an alias's or version's policy) or add a condition
#     naming the source (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`); use AuthType
#     AWS_IAM for function URLs, or put the function behind API Gateway with an authorizer.
package leastrole.rules.public_function

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := array.concat(statement_findings, url_findings)

statement_findings := [finding |
	some fn in input.functions
	some g in object.get(object.get(fn, "analysis", {}), "resourcePolicyGrants", [])
	st := fn.resourcePolicy.Statement[g.index]
	not reported_as_url(fn, g)

	# The principals a Deny of the policy leaves (the statement's own when none takes any back).
	principal := object.get(g, "principal", object.get(st, "Principal", null))
	some issue in statement_issues(principal, fn, g)
	origin := statement_origin(fn, g.index)
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": text.format("statement:%s:%s", [statement_id(fn, g.index, origin, st), issue.kind]),
		"severity": issue.severity,
		"message": text.format("Function %s: %s Statement[%s]%s %s", [analysis.display_name(fn), policy_name(origin), origin.index, sid_note(st), issue.message]),
		"evidence": {
			"statementIndex": g.index,
			"qualifier": origin.qualifier,
			"statementIndexInPolicy": origin.index,
			"sid": object.get(st, "Sid", null),
			"principal": principal,
			"actions": object.get(st, "Action", []),
			"conditionKeys": condition_keys(st),
		},
	}
]

# One finding per URL with AuthType NONE: the unqualified function's and each alias's (their
# policies differ, so one can be public and the other not).
url_findings := [finding |
	some fn in input.functions
	some url in object.get(fn, "functionUrls", [])
	url.authType == "NONE"
	public := public_url(fn, url.qualifier)
	exposure := url_exposure(fn, public)
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": url_detail(exposure.detail, url.qualifier),
		"severity": exposure.severity,
		"message": text.format("Function %s has a function URL%s with AuthType NONE%s", [analysis.display_name(fn), url_of(url.qualifier), exposure.message]),
		"evidence": {"url": url.url, "qualifier": url.qualifier, "publicStatements": public.statements},
	}
]

# The unqualified URL keeps the detail it had before aliases' URLs were read (stable fingerprints).
url_detail(detail, qualifier) := text.format("%s:%s", [detail, qualifier]) if {
	is_string(qualifier)
} else := detail

url_of(qualifier) := text.format(" (alias %s)", [qualifier]) if {
	is_string(qualifier)
} else := ""

# What the URL's own policy lets the public do (functions[].analysis.publicUrls, the entry of the
# URL's qualifier): Lambda does not authenticate the caller, but the policy must grant Principal
# "*" lambda:InvokeFunctionUrl, and, for URLs created since October 2025, lambda:InvokeFunction,
# or the URL answers 403 Forbidden (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
# A document without the analysis is read as public: the URL was reported so before the analysis
# said what the policy grants.
public_url(fn, qualifier) := p if {
	some p in object.get(object.get(fn, "analysis", {}), "publicUrls", [])
	p.qualifier == qualifier
} else := {"invokeFunctionUrl": true, "invokeFunction": true, "statements": []}

url_exposure(fn, public) := {"detail": "function-url", "severity": "high", "message": ": anyone who knows the URL can invoke it"} if {
	public.invokeFunctionUrl
	public.invokeFunction
} else := {"detail": "function-url", "severity": "high", "message": ": its resource policy lets anyone call lambda:InvokeFunctionUrl, which lets anyone invoke it through a URL created before October 2025 (newer URLs also need lambda:InvokeFunction granted)"} if {
	public.invokeFunctionUrl
} else := {"detail": "function-url-policy-unread", "severity": "high", "message": ", and its resource policy could not be read (lambda:GetPolicy failed when it was collected, or its get-policy file is damaged or invalid: see the errors): whether anyone who knows the URL can invoke it is unknown. Read the policy (aws lambda get-policy) before taking the function for private"} if {
	# What was read grants the public nothing, but not everything was read (resourcePolicyUnread: a
	# failed GetPolicy, or a get-policy file that could not be read):
	# "no statement" would be a guess.
	fn.resourcePolicyUnread == true
} else := {"detail": "function-url-not-granted", "severity": "low", "message": ", but no statement of its resource policy lets the public call it (Principal \"*\" with lambda:InvokeFunctionUrl): requests get 403 Forbidden until one is added. One add-permission makes it public: use AuthType AWS_IAM, or delete the URL, if it is not meant to be"}

# Whose policy the statement is (the function's, or an alias's or version's: each has its own, and
# the document's is their union), and its index there: what `remove-permission --qualifier` takes.
statement_origin(fn, index) := fn.resourcePolicyStatementOrigins[index] if {
	is_array(fn.resourcePolicyStatementOrigins)
} else := {"qualifier": null, "index": index}

policy_name(origin) := text.format("resource policy of version %s,", [origin.qualifier]) if {
	is_string(origin.qualifier)
	regex.match(`^[0-9]+$`, origin.qualifier)
} else := text.format("resource policy of alias %s,", [origin.qualifier]) if {
	is_string(origin.qualifier)
} else := "resource policy"

# A statement's identity in the fingerprint: whose policy it is and its Sid (unique within one
# policy: AddPermission's StatementId), else a hash of its content; never its index in the union,
# which moves when an alias's policy file sorts before the function's. The analysis computes it
# (src/analysis/statement-ids.ts); a document without analysis gets the same Sid form here, and
# the statement's JSON in place of the hash.
statement_id(fn, index, origin, st) := fn.analysis.resourcePolicyStatementIds[index] if {
	is_string(fn.analysis.resourcePolicyStatementIds[index])
} else := text.format("sid:%s:%s", [qualifier_text(origin), st.Sid]) if {
	is_string(st.Sid)
	st.Sid != ""
} else := text.format("content:%s", [json.marshal([origin.qualifier, st])])

qualifier_text(origin) := origin.qualifier if {
	is_string(origin.qualifier)
} else := ""

# An else chain: OPA evaluates a function's arguments outside `not`, so `not is_string(st.Sid)`
# would be undefined (not true) for a statement without a Sid.
sid_note(st) := text.format(" (%s)", [st.Sid]) if {
	is_string(st.Sid)
} else := ""

verb := {
	"invoke": "invoke the function",
	"read": "read the function's code and environment variables",
	"change": "change the function (its code, configuration or permissions)",
}

# What the statement lets its principals do, in words. lambda:GetFunctionConfiguration returns the
# configuration with the environment variables, not the code: only lambda:GetFunction also gives a
# link to download the code (Lambda API Reference, GetFunction and GetFunctionConfiguration).
verb_of(g) := "read the function's configuration and environment variables" if {
	g.access == "read"
	not "lambda:getfunction" in g.actions
} else := verb[g.access]

condition_keys(st) := sort({lower(k) | some _, block in object.get(st, "Condition", {}); some k, _ in block})

# An ARN's fifth field, the account; the fields before it may be template references holding
# colons (`${AWS::Region}`).
arn_account(arn) := m[0][1] if {
	m := regex.find_all_string_submatch_n(`^arn:(?:[^:$]|\$\{[^}]*\}|\$)*:(?:[^:$]|\$\{[^}]*\}|\$)*:(?:[^:$]|\$\{[^}]*\}|\$)*:((?:[^:$]|\$\{[^}]*\}|\$)*)`, arn, 1)
	count(m) == 1
}

wildcard_principal(p) if p == "*"

wildcard_principal(p) if "*" in principal_ids(p, "AWS")

principal_ids(p, type) := object.get(p, type, []) if is_object(p)

principal_ids(p, _) := [] if not is_object(p)

# `p`: the principals the statement grants (after the policy's Deny statements). `g`: the statement's facts (functions[].analysis.resourcePolicyGrants, src/analysis/resource-policy.ts):
# what it allows (`access`), whether a condition pins the caller (`pinned`, the rule LR011 uses
# too) and, when pinned only to other accounts, those (`otherAccounts`).
issues(p, fn, g) := ((({issue |
	wildcard_principal(p)
	not g.pinned
	issue := {"kind": "public", "severity": "critical", "message": text.format("lets anyone %s (Principal \"*\" without a source condition)", [verb_of(g)])}
} | {issue |
	some svc in principal_ids(p, "Service")
	not g.pinned
	issue := {"kind": text.format("service:%s", [svc]), "severity": outside_severity[g.access], "message": text.format("lets %s %s on behalf of any account (no aws:SourceArn with an account, nor aws:SourceAccount)", [svc, verb_of(g)])}
}) | {issue |
	# Principal "*" held to the organisation (or an account) by a Deny that exempts AWS services
	# (`servicesUnpinned`): the services it exempts may still call for any account's resources.
	wildcard_principal(p)
	g.pinned
	object.get(g, "servicesUnpinned", false)
	issue := {"kind": "service:*", "severity": outside_severity[g.access], "message": text.format("lets any AWS service %s on behalf of any account (Principal \"*\"; a Deny holds other callers to its condition but exempts service principals, aws:PrincipalIsAWSService, and no aws:SourceArn nor aws:SourceAccount names the source)", [verb_of(g)])}
}) | {issue |
	wildcard_or_service(p)
	accounts := g.otherAccounts
	count(accounts) > 0
	issue := {"kind": text.format("account:%s", [concat(",", accounts)]), "severity": outside_severity[g.access], "message": text.format("lets account %s %s (its conditions admit only %s)", [concat(", ", accounts), verb_of(g), plural_accounts(accounts)])}
}) | {issue |
	some id in principal_ids(p, "AWS")
	id != "*"
	account := account_of(id)
	account != fn.accountId
	issue := {"kind": text.format("account:%s", [account]), "severity": outside_severity[g.access], "message": text.format("lets account %s %s", [account, verb_of(g)])}
}

# A URL's public statement left behind when the URL was switched to AWS_IAM (`dormantUrl`): it
# grants nothing now, and makes the function public the moment the URL is set back to NONE.
statement_issues(p, fn, g) := {issue |
	wildcard_principal(p)
	not g.pinned
	issue := {"kind": "public-url-dormant", "severity": "low", "message": "lets anyone call the function through a URL with AuthType NONE; its URL uses AWS_IAM, so this grants nothing now, but switching the URL to NONE makes the function public at once: remove the statement if the URL is not meant to be public"}
} if {
	object.get(g, "dormantUrl", false)
} else := {issue |
	wildcard_principal(p)
	not g.pinned
	issue := {"kind": "public-url-dormant", "severity": "low", "message": "lets anyone call the function through a function URL; the function has no URL, so this grants nothing now, but creating one with AuthType NONE makes the function public at once: remove the statement if no public URL is meant"}
} if {
	# A URL-only grant and no URL (`noUrl`: the inputs hold the URL configurations).
	object.get(g, "noUrl", false)
} else := issues(p, fn, g)

# A service on behalf of any account, or another account: medium to invoke, high to read or change.
outside_severity := {"invoke": "medium", "read": "high", "change": "high"}

plural_accounts(accounts) := "that account" if count(accounts) == 1

plural_accounts(accounts) := "those accounts" if count(accounts) > 1

wildcard_or_service(p) if wildcard_principal(p)

wildcard_or_service(p) if count(principal_ids(p, "Service")) > 0

account_of(id) := id if regex.match(`^\d{12}$`, id)

# A template's `arn:aws:iam::${AWS::AccountId}:root` is the account the stack deploys to.
account_of(id) := account if {
	account := arn_account(id)
	not reference(account)
}

# `${AWS::AccountId}`, or `unknown`: the account a template reader writes when it is not told it.
reference(a) if regex.match(`^(\$\{[^}]*\}|unknown)$`, a)

# The statements Lambda adds for a function URL with AuthType NONE are reported once, as the URL:
# lambda:InvokeFunctionUrl, and lambda:InvokeFunction under `Bool: lambda:InvokedViaFunctionUrl:
# true`, which admits only calls through the URL (`urlOnly`).
reported_as_url(fn, g) if {
	g.urlOnly
	not object.get(g, "dormantUrl", false)
	some url in object.get(fn, "functionUrls", [])
	url.authType == "NONE"
}
