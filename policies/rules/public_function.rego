# METADATA
# title: Function invocable by the public, by any account's resources, or cross-account
# description: |
#   The function's resource-based policy lets someone outside the account invoke it: Principal `*`
#   without a condition on the source (critical: anyone on the internet with AWS credentials), a
#   service principal (s3, sns, events …) without aws:SourceArn or aws:SourceAccount (medium: the
#   confused-deputy problem, any account's bucket or topic can trigger it), or another AWS account
#   (medium: cross-account invoke should be deliberate). A function URL with AuthType NONE is a
#   public HTTPS endpoint (high; suppress it when the function authenticates callers itself).
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
#     Remove the statement (`aws lambda remove-permission --statement-id …`) or add a condition
#     naming the source (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`); use AuthType
#     AWS_IAM for function URLs, or put the function behind API Gateway with an authorizer.
package leastrole.rules.public_function

import data.leastrole.lib.analysis

# Condition keys that pin who or what can invoke.
source_keys := {
	"aws:sourcearn", "aws:sourceaccount", "aws:principalorgid", "aws:sourceorgid",
	"aws:principalaccount", "aws:principalarn", "aws:sourceowner", "aws:principalorgpaths", "aws:sourceorgpaths",
}

findings := array.concat(statement_findings, url_findings)

statement_findings := [finding |
	some fn in input.functions
	some index, st in fn.resourcePolicy.Statement
	st.Effect == "Allow"
	not closed(fn, index)
	invokes(st)
	not url_statement_of_public_url(fn, st)
	some issue in issues(st, fn)
	finding := {
		"resource": analysis.function_resource(fn),
		"detail": sprintf("statement:%d:%s", [index, issue.kind]),
		"severity": issue.severity,
		"message": sprintf("Function %s: resource policy Statement[%d]%s %s", [fn.name, index, sid_note(st), issue.message]),
		"evidence": {
			"statementIndex": index,
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

condition_keys(st) := sort({lower(k) | some _, block in object.get(st, "Condition", {}); some k, _ in block})

pinned(st) if {
	some op, block in object.get(st, "Condition", {})
	not contains(lower(op), "not")
	some k, values in block
	lower(k) in source_keys
	some v in values
	v != "*"
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

issues(st, fn) := {issue |
	wildcard_principal(st)
	not pinned(st)
	issue := {"kind": "public", "severity": "critical", "message": "lets anyone invoke the function (Principal \"*\" without a source condition)"}
} | {issue |
	some svc in principal_ids(st, "Service")
	not pinned(st)
	issue := {"kind": sprintf("service:%s", [svc]), "severity": "medium", "message": sprintf("lets %s invoke the function on behalf of any account (no aws:SourceArn or aws:SourceAccount)", [svc])}
} | {issue |
	some id in principal_ids(st, "AWS")
	id != "*"
	account := account_of(id)
	account != fn.accountId
	issue := {"kind": sprintf("account:%s", [account]), "severity": "medium", "message": sprintf("lets account %s invoke the function", [account])}
}

account_of(id) := id if regex.match(`^\d{12}$`, id)

account_of(id) := split(id, ":")[4] if startswith(id, "arn:")
