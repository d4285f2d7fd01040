# METADATA
# title: Function invocable by the public, by any account's resources, or cross-account
# description: |
#   The function's resource-based policy lets someone outside the account invoke, read or change
#   it: Principal `*` without a condition pinning the source (critical: anyone with AWS
#   credentials), a service principal (s3, sns, events …) without aws:SourceArn naming an account or
#   aws:SourceAccount (medium: the confused-deputy problem, any account's bucket or topic can
#   trigger it; high when it may read or change the function), or another AWS account (medium to
#   invoke, high to read the code and environment variables or to change the function). A
#   condition pins the source only with fixed values: a wildcard in the account, `...IfExists`,
#   `ForAllValues:`, `Null` or a negated operator admit any caller. A function URL with AuthType
#   NONE is a public HTTPS endpoint (high; suppress it when the function authenticates callers
#   itself).
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

# Condition keys that pin who or what can invoke.
source_keys := {
	"aws:sourcearn", "aws:sourceaccount", "aws:principalorgid", "aws:sourceorgid",
	"aws:principalaccount", "aws:principalarn", "aws:sourceowner", "aws:principalorgpaths", "aws:sourceorgpaths",
	# The Alexa skill ID that AddPermission's EventSourceToken pins an alexa-appkit grant to.
	"lambda:eventsourcetoken",
}

findings := array.concat(statement_findings, url_findings)

statement_findings := [finding |
	some fn in input.functions
	some index, st in fn.resourcePolicy.Statement
	st.Effect == "Allow"
	not closed(fn, index)

	# Computed once per statement: functions with arguments are not memoised.
	g := grant(st)
	not url_statement_of_public_url(fn, st)
	pins := pinning_values(st)
	some issue in issues(st, fn, g, pins, own_accounts(fn, st))
	origin := statement_origin(fn, index)
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": sprintf("statement:%s:%s", [statement_id(fn, index, origin, st), issue.kind]),
		"severity": issue.severity,
		"message": sprintf("Function %s: %s Statement[%d]%s %s", [fn.name, policy_name(origin), origin.index, sid_note(st), issue.message]),
		"evidence": {
			"statementIndex": index,
			"qualifier": origin.qualifier,
			"statementIndexInPolicy": origin.index,
			"sid": object.get(st, "Sid", null),
			"principal": object.get(st, "Principal", null),
			"actions": object.get(st, "Action", []),
			"conditionKeys": condition_keys(st),
		},
	}
]

url_findings := [finding |
	some fn in input.functions
	fn.functionUrl.authType == "NONE"
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": "function-url",
		"severity": "high",
		"message": sprintf("Function %s has a function URL with AuthType NONE: anyone who knows the URL can invoke it", [fn.name]),
		"evidence": {"url": fn.functionUrl.url, "qualifier": fn.functionUrl.qualifier},
	}
]

# Whose policy the statement is (the function's, or an alias's or version's: each has its own, and
# the document's is their union), and its index there: what `remove-permission --qualifier` takes.
statement_origin(fn, index) := fn.resourcePolicyStatementOrigins[index] if {
	is_array(fn.resourcePolicyStatementOrigins)
} else := {"qualifier": null, "index": index}

policy_name(origin) := sprintf("resource policy of version %s,", [origin.qualifier]) if {
	is_string(origin.qualifier)
	regex.match(`^[0-9]+$`, origin.qualifier)
} else := sprintf("resource policy of alias %s,", [origin.qualifier]) if {
	is_string(origin.qualifier)
} else := "resource policy"

# A statement's identity in the fingerprint: whose policy it is and its Sid (unique within one
# policy: AddPermission's StatementId), else a hash of its content; never its index in the union,
# which moves when an alias's policy file sorts before the function's. The analysis computes it
# (src/analysis/statement-ids.ts); a document without analysis gets the same Sid form here, and
# the statement's JSON in place of the hash.
statement_id(fn, index, origin, st) := fn.analysis.resourcePolicyStatementIds[index] if {
	is_string(fn.analysis.resourcePolicyStatementIds[index])
} else := sprintf("sid:%s:%s", [qualifier_text(origin), st.Sid]) if {
	is_string(st.Sid)
	st.Sid != ""
} else := sprintf("content:%s", [json.marshal([origin.qualifier, st])])

qualifier_text(origin) := origin.qualifier if {
	is_string(origin.qualifier)
} else := ""

# A statement whose aws:CurrentTime window closed before the document's reference instant grants
# nothing (the analysis lists them; a document without the list closes none).
closed(fn, index) if index in object.get(object.get(fn, "analysis", {}), "closedPolicyStatements", [])

# An else chain: OPA evaluates a function's arguments outside `not`, so `not is_string(st.Sid)`
# would be undefined (not true) for a statement without a Sid.
sid_note(st) := sprintf(" (%s)", [st.Sid]) if {
	is_string(st.Sid)
} else := ""

invokes(st) if {
	some a in object.get(st, "Action", [])
	invoke_pattern(lower(a))
}

invoke_pattern("*")

invoke_pattern(a) if glob.match(a, [":"], "lambda:invokefunction")

invoke_pattern(a) if glob.match(a, [":"], "lambda:invokefunctionurl")

invoke_pattern(a) if glob.match(a, [":"], "lambda:invokeasync")

# Actions a function's resource policy can grant beyond invoking (AddPermission takes any function
# action): reading the code and environment variables (GetFunction returns both, the environment
# may hold secrets), and changing the function: its code, configuration, permissions, versions and
# aliases, or deleting it.
read_actions := {"lambda:getfunction", "lambda:getfunctionconfiguration"}

change_actions := {
	"lambda:updatefunctioncode", "lambda:updatefunctionconfiguration", "lambda:deletefunction",
	"lambda:addpermission", "lambda:removepermission", "lambda:publishversion",
	"lambda:createalias", "lambda:updatealias", "lambda:deletealias",
	"lambda:createfunctionurlconfig", "lambda:updatefunctionurlconfig", "lambda:deletefunctionurlconfig",
	"lambda:putfunctioneventinvokeconfig", "lambda:updatefunctioneventinvokeconfig",
	"lambda:putfunctionconcurrency", "lambda:deletefunctionconcurrency",
}

grants_any(st, targets) if {
	some a in object.get(st, "Action", [])
	some t in targets
	glob.match(lower(a), [], t)
}

# What the statement lets its principals do, the worst of it: change, read, invoke.
grant(st) := "change" if {
	grants_any(st, change_actions)
} else := "read" if {
	grants_any(st, read_actions)
} else := "invoke" if {
	invokes(st)
}

verb := {
	"invoke": "invoke the function",
	"read": "read the function's code and environment variables",
	"change": "change the function (its code, configuration or permissions)",
}

condition_keys(st) := sort({lower(k) | some _, block in object.get(st, "Condition", {}); some k, _ in block})

# A condition pins the caller when it requires one of the source keys to equal fixed values: every
# value without a wildcard where an account would be matched (AWS Config's
# lambda-function-public-access-prohibited: "fixed values that don't contain a wildcard"). Not
# pinning: negated operators; `...IfExists` and `ForAllValues:` (true when the request has no such
# key, as a direct call has no aws:SourceArn); `Null`; one wildcard value among fixed ones (the
# values are ORed). Conditions are ANDed, so one pinning condition pins the statement.
pinning_values(st) := {pins |
	some op, block in object.get(st, "Condition", {})
	pinning_operator(trim_prefix(lower(op), "foranyvalue:"))
	some k, values in block
	key := lower(k)
	key in source_keys
	count(values) > 0
	every v in values {
		fixed(key, v)
	}
	pins := {[key, v] | some v in values}
}

pinning_operator(op) if op in {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}

account_keys := {"aws:sourceaccount", "aws:principalaccount", "aws:sourceowner"}

# Values that name one organisation or skill: fixed when free of wildcards.
org_keys := {"aws:principalorgid", "aws:sourceorgid", "lambda:eventsourcetoken"}

org_path_keys := {"aws:principalorgpaths", "aws:sourceorgpaths"}

arn_keys := {"aws:sourcearn", "aws:principalarn"}

# A template's `${AWS::AccountId}` or `${Param}` is one fixed value once deployed; `unknown` is the
# account a template reader writes into the ARN of one of the stack's own resources
# (`!GetAtt Rule.Arn`) when it is not told the account.
fixed_account(a) if regex.match(`^(\d{12}|\$\{[^}]*\}|unknown)$`, a)

reference(a) if regex.match(`^(\$\{[^}]*\}|unknown)$`, a)

# An ARN's fifth field, the account; the fields before it may be template references holding
# colons (`${AWS::Region}`).
arn_account(arn) := m[0][1] if {
	m := regex.find_all_string_submatch_n(`^arn:(?:[^:$]|\$\{[^}]*\}|\$)*:(?:[^:$]|\$\{[^}]*\}|\$)*:(?:[^:$]|\$\{[^}]*\}|\$)*:((?:[^:$]|\$\{[^}]*\}|\$)*)`, arn, 1)
	count(m) == 1
}

fixed(key, v) if {
	key in account_keys
	is_string(v)
	fixed_account(v)
}

fixed(key, v) if {
	key in org_keys
	is_string(v)
	v != ""
	not regex.match(`[*?]`, v)
}

fixed(key, v) if {
	key in org_path_keys
	is_string(v)
	regex.match(`^(o-[a-z0-9]+|\$\{[^}]*\})/`, v)
}

# An ARN names its account in the fifth field; an S3 bucket's ARN names none (any account can own
# a bucket of that name once it is free), so a bucket ARN alone does not pin the account.
fixed(key, v) if {
	key in arn_keys
	is_string(v)
	fixed_account(arn_account(v))
}

# `${Rule.Arn}`: a template resource's ARN, or a parameter holding one; fixed once deployed.
fixed(key, v) if {
	key in arn_keys
	is_string(v)
	reference(v)
}

# The function's own account: the document's, and the one the statement's Resource (the function's
# ARN, as Lambda wrote it) names; an account export can be anonymised in one and not the other.
own_accounts(fn, st) := {fn.accountId} | {a | some r in object.get(st, "Resource", []); a := arn_account(r)}

# The accounts a pinning condition admits; "own" for an organisation, a template reference, or when
# the function's own account is not known (nothing to compare with).
admitted(fn, own, key, v) := "own" if {
	not key in account_keys
	not key in arn_keys
} else := "own" if {
	not regex.match(`^\d{12}$`, fn.accountId)
} else := account if {
	key in account_keys
	account := v
	not reference(account)
	not account in own
} else := account if {
	key in arn_keys
	account := arn_account(v)
	not reference(account)
	not account in own
} else := "own"

# Pinned to the function's own account (or organisation) by at least one condition.
pinned_to_own(fn, pins, own) if {
	some values in pins
	every pin in values {
		admitted(fn, own, pin[0], pin[1]) == "own"
	}
}

# Pinned only to other accounts: the accounts named.
other_accounts(fn, pins, own) := sort({a | some values in pins; some pin in values; a := admitted(fn, own, pin[0], pin[1]); a != "own"}) if {
	count(pins) > 0
	not pinned_to_own(fn, pins, own)
}

# The statements Lambda adds for a function URL with AuthType NONE are reported once, as the URL:
# lambda:InvokeFunctionUrl, and (required for new URLs since October 2025) lambda:InvokeFunction
# under `Bool: lambda:InvokedViaFunctionUrl: true`, which admits only calls through the URL.
url_statement_of_public_url(fn, st) if {
	fn.functionUrl.authType == "NONE"
	count(st.Action) > 0
	every a in st.Action {
		url_only(lower(a), st)
	}
}

url_only("lambda:invokefunctionurl", _)

url_only("lambda:invokefunction", st) if via_function_url(st)

# `Bool` (not BoolIfExists, which a call without the key also passes) with every value true.
via_function_url(st) if {
	some op, block in object.get(st, "Condition", {})
	lower(op) == "bool"
	some k, values in block
	lower(k) == "lambda:invokedviafunctionurl"
	count(values) > 0
	every v in values {
		lower(sprintf("%v", [v])) == "true"
	}
}

wildcard_principal(st) if st.Principal == "*"

wildcard_principal(st) if "*" in principal_ids(st, "AWS")

principal_ids(st, type) := object.get(st.Principal, type, []) if is_object(st.Principal)

principal_ids(st, _) := [] if not is_object(st.Principal)

# `g`: grant(st); `pins`: pinning_values(st); `own`: own_accounts(fn, st).
issues(st, fn, g, pins, own) := (({issue |
	wildcard_principal(st)
	count(pins) == 0
	issue := {"kind": "public", "severity": "critical", "message": sprintf("lets anyone %s (Principal \"*\" without a source condition)", [verb[g]])}
} | {issue |
	some svc in principal_ids(st, "Service")
	count(pins) == 0
	issue := {"kind": sprintf("service:%s", [svc]), "severity": outside_severity[g], "message": sprintf("lets %s %s on behalf of any account (no aws:SourceArn with an account, nor aws:SourceAccount)", [svc, verb[g]])}
}) | {issue |
	wildcard_or_service(st)
	accounts := other_accounts(fn, pins, own)
	issue := {"kind": sprintf("account:%s", [concat(",", accounts)]), "severity": outside_severity[g], "message": sprintf("lets account %s %s (its conditions admit only %s)", [concat(", ", accounts), verb[g], plural_accounts(accounts)])}
}) | {issue |
	some id in principal_ids(st, "AWS")
	id != "*"
	account := account_of(id)
	account != fn.accountId
	issue := {"kind": sprintf("account:%s", [account]), "severity": outside_severity[g], "message": sprintf("lets account %s %s", [account, verb[g]])}
}

# A service on behalf of any account, or another account: medium to invoke, high to read or change.
outside_severity := {"invoke": "medium", "read": "high", "change": "high"}

plural_accounts(accounts) := "that account" if count(accounts) == 1

plural_accounts(accounts) := "those accounts" if count(accounts) > 1

wildcard_or_service(st) if wildcard_principal(st)

wildcard_or_service(st) if count(principal_ids(st, "Service")) > 0

account_of(id) := id if regex.match(`^\d{12}$`, id)

# A template's `arn:aws:iam::${AWS::AccountId}:root` is the account the stack deploys to.
account_of(id) := account if {
	account := arn_account(id)
	not reference(account)
}
