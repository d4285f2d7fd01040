package leastrole.rules.public_function_test

import data.leastrole.rules.public_function

# Every statement Lambda writes has a Sid (AddPermission's StatementId): s<i> unless given.
fn(statements, url) := {
	"arn": "arn:aws:lambda:us-east-1:123456789012:function:api", "name": "api", "accountId": "123456789012",
	"resourcePolicy": {"Version": "2012-10-17", "Statement": [with_sid(st, i) | some i, st in statements]}, "functionUrl": url,
}

with_sid(st, i) := st if {
	is_string(st.Sid)
} else := object.union(st, {"Sid": sprintf("s%d", [i])})

allow(principal, actions, condition) := {"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": ["arn:aws:lambda:us-east-1:123456789012:function:api"], "Condition": condition}

test_public_invoke_is_critical if {
	fs := public_function.findings with input as {"functions": [fn([allow("*", ["lambda:InvokeFunction"], {})], null)]}
	count(fs) == 1
	some f in fs
	f.severity == "critical"
	f.detail == "statement:sid::s0:public"
	f.message == "Function api: resource policy Statement[0] (s0) lets anyone invoke the function (Principal \"*\" without a source condition)"
}

test_aws_star_principal_with_lambda_wildcard_is_public if {
	some f in public_function.findings with input as {"functions": [fn([allow({"AWS": ["*"]}, ["lambda:*"], {})], null)]}
	f.severity == "critical"
}

test_public_with_source_account_is_not_public if {
	count(public_function.findings) == 0 with input as {"functions": [fn([allow("*", ["lambda:InvokeFunction"], {"StringEquals": {"AWS:SourceAccount": ["123456789012"]}})], null)]}
}

test_service_without_source_is_medium if {
	some f in public_function.findings with input as {"functions": [fn([object.union(allow({"Service": ["s3.amazonaws.com"]}, ["lambda:InvokeFunction"], {}), {"Sid": "s3invoke"})], null)]}
	f.severity == "medium"
	f.detail == "statement:sid::s3invoke:service:s3.amazonaws.com"
	contains(f.message, "Statement[0] (s3invoke) lets s3.amazonaws.com invoke")
}

test_service_with_source_arn_is_fine if {
	count(public_function.findings) == 0 with input as {"functions": [fn([allow({"Service": ["sns.amazonaws.com"]}, ["lambda:InvokeFunction"], {"ArnLike": {"AWS:SourceArn": ["arn:aws:sns:us-east-1:123456789012:topic"]}})], null)]}
}

test_negated_condition_does_not_pin if {
	some f in public_function.findings with input as {"functions": [fn([allow("*", ["lambda:InvokeFunction"], {"StringNotEquals": {"aws:SourceAccount": ["999999999999"]}})], null)]}
	f.severity == "critical"
}

test_cross_account_is_medium if {
	some f in public_function.findings with input as {"functions": [fn([allow({"AWS": ["arn:aws:iam::111122223333:root"]}, ["lambda:InvokeFunction"], {})], null)]}
	f.severity == "medium"
	f.detail == "statement:sid::s0:account:111122223333"
}

test_same_account_is_fine if {
	count(public_function.findings) == 0 with input as {"functions": [fn([allow({"AWS": ["123456789012"]}, ["lambda:InvokeFunction"], {})], null)]}
}

# A resource policy can grant any function action: reading it (GetFunction returns the code and the
# environment variables) or changing it is worse than invoking it.
test_non_invoke_actions_are_judged_by_what_they_let_others_do if {
	fs := public_function.findings with input as {"functions": [fn(
		[
			allow("*", ["lambda:GetFunctionConfiguration"], {}),
			allow({"AWS": ["444455556666"]}, ["lambda:GetFunction"], {}),
			allow({"AWS": ["arn:aws:iam::444455556666:root"]}, ["lambda:*"], {}),
			allow({"AWS": ["444455556666"]}, ["lambda:ListTags"], {}),
		],
		null,
	)]}
	got := {[f.detail, f.severity] | some f in fs}
	got == {["statement:sid::s0:public", "critical"], ["statement:sid::s1:account:444455556666", "high"], ["statement:sid::s2:account:444455556666", "high"]}
	some f in fs
	f.detail == "statement:sid::s0:public"
	f.message == "Function api: resource policy Statement[0] (s0) lets anyone read the function's code and environment variables (Principal \"*\" without a source condition)"
	some g in fs
	g.detail == "statement:sid::s2:account:444455556666"
	g.message == "Function api: resource policy Statement[2] (s2) lets account 444455556666 change the function (its code, configuration or permissions)"
}

# Conditions that look like restrictions but admit any caller (AWS Config's
# lambda-function-public-access-prohibited: only fixed values without a wildcard make a policy
# non-public; IAM: ...IfExists and ForAllValues: are true when the request has no such key).
test_conditions_that_do_not_pin_the_caller if {
	unpinned := [
		{"ArnLike": {"aws:SourceArn": ["arn:aws:sns:us-east-1:*:alerts"]}},
		{"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/*"]}},
		{"ForAllValues:StringEquals": {"aws:PrincipalOrgID": ["o-abc123def4"]}},
		{"StringEqualsIfExists": {"aws:SourceAccount": ["123456789012"]}},
		{"Null": {"aws:SourceArn": ["false"]}},
		{"StringEquals": {"aws:SourceAccount": ["123456789012", "*"]}},
		{"StringLike": {"aws:SourceAccount": ["1234567890*"]}},
		{"ArnLike": {"aws:SourceArn": ["arn:aws:s3:::uploads-bucket"]}},
		{"StringLike": {"aws:PrincipalOrgID": ["o-*"]}},
	]
	every c in unpinned {
		some f in public_function.findings with input as {"functions": [fn([allow("*", ["lambda:InvokeFunction"], c)], null)]}
		f.severity == "critical"
	}
}

test_conditions_that_pin_the_caller_to_the_own_account_or_organisation if {
	pinned := [
		{"StringEquals": {"aws:SourceAccount": ["123456789012"]}},
		{"ArnLike": {"aws:SourceArn": ["arn:aws:sns:us-east-1:123456789012:*"]}},
		{"StringEquals": {"aws:PrincipalOrgID": ["o-abc123def4"]}},
		{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-abc123def4/r-ab12/*"]}},
		{"StringEquals": {"aws:PrincipalAccount": ["123456789012"]}},
		{"StringEquals": {"aws:SourceAccount": ["${AWS::AccountId}"]}},
		{"ArnLike": {"aws:SourceArn": ["arn:aws:sns:${AWS::Region}:${AWS::AccountId}:alerts"]}},
		{"ArnLike": {"aws:SourceArn": ["arn:aws:events:unknown:unknown:rule/EventRuleInsert"]}},
		{"ArnLike": {"aws:SourceArn": ["${EventRuleInsert.Arn}"]}},
		{"StringEqualsIfExists": {"aws:SourceAccount": ["123456789012"]}, "StringEquals": {"aws:PrincipalOrgID": ["o-abc123def4"]}},
	]
	every c in pinned {
		count(public_function.findings) == 0 with input as {"functions": [fn([allow("*", ["lambda:InvokeFunction"], c)], null)]}
	}
}

# Pinned, but to someone else: a cross-account grant, not a public one.
test_conditions_that_pin_the_caller_to_another_account if {
	fs := public_function.findings with input as {"functions": [fn(
		[
			allow("*", ["lambda:InvokeFunction"], {"StringEquals": {"aws:PrincipalAccount": ["444455556666"]}}),
			allow({"Service": ["s3.amazonaws.com"]}, ["lambda:InvokeFunction"], {"StringEquals": {"aws:SourceAccount": ["444455556666"]}}),
		],
		null,
	)]}
	{[f.detail, f.severity] | some f in fs} == {["statement:sid::s0:account:444455556666", "medium"], ["statement:sid::s1:account:444455556666", "medium"]}
	some f in fs
	f.detail == "statement:sid::s0:account:444455556666"
	f.message == "Function api: resource policy Statement[0] (s0) lets account 444455556666 invoke the function (its conditions admit only that account)"
}

# S3 bucket ARNs name no account: aws:SourceArn alone leaves the confused deputy (AWS Config's rule
# asks for aws:SourceAccount with S3).
test_s3_with_source_arn_alone_is_a_confused_deputy if {
	some f in public_function.findings with input as {"functions": [fn([allow({"Service": ["s3.amazonaws.com"]}, ["lambda:InvokeFunction"], {"ArnLike": {"AWS:SourceArn": ["arn:aws:s3:::uploads-bucket"]}})], null)]}
	f.detail == "statement:sid::s0:service:s3.amazonaws.com"
	f.severity == "medium"
}

test_alexa_with_its_skill_token_is_pinned if {
	count(public_function.findings) == 0 with input as {"functions": [fn([allow({"Service": ["alexa-appkit.amazonaws.com"]}, ["lambda:InvokeFunction"], {"StringEquals": {"lambda:EventSourceToken": ["amzn1.ask.skill.xxxx"]}})], null)]}
}

# The function ARN in the statement's Resource names the function's account too (an anonymised
# export may carry another account in its file names than in the policy Lambda wrote).
test_the_statement_resource_names_the_own_account if {
	st := {"Effect": "Allow", "Principal": {"Service": ["apigateway.amazonaws.com"]}, "Action": ["lambda:InvokeFunction"], "Resource": ["arn:aws:lambda:us-east-1:653711331788:function:api"], "Condition": {"ArnLike": {"AWS:SourceArn": ["arn:aws:execute-api:us-east-1:653711331788:abc/*/*/api"]}}}
	count(public_function.findings) == 0 with input as {"functions": [fn([st], null)]}
}

test_template_account_principal_is_the_own_account if {
	count(public_function.findings) == 0 with input as {"functions": [fn([allow({"AWS": ["arn:aws:iam::${AWS::AccountId}:root"]}, ["lambda:InvokeFunction"], {})], null)]}
}

test_deny_statements_are_ignored if {
	count(public_function.findings) == 0 with input as {"functions": [fn([object.union(allow("*", ["lambda:InvokeFunction"], {}), {"Effect": "Deny"})], null)]}
}

test_url_none_reported_once if {
	url_statement := allow("*", ["lambda:InvokeFunctionUrl"], {"StringEquals": {"lambda:FunctionUrlAuthType": ["NONE"]}})
	fs := public_function.findings with input as {"functions": [fn([url_statement], {"authType": "NONE", "url": "https://x.lambda-url.us-east-1.on.aws/", "qualifier": null})]}
	count(fs) == 1
	some f in fs
	f.detail == "function-url"
	f.severity == "high"
}

# Since October 2025 a public URL needs lambda:InvokeFunction too, which Lambda (and SAM's
# FunctionUrlConfig) grants only through the URL: still the URL's one finding.
test_url_none_with_invoke_function_through_the_url_reported_once if {
	none := {"authType": "NONE", "url": "https://x.lambda-url.us-east-1.on.aws/", "qualifier": null}
	url_statement := allow("*", ["lambda:InvokeFunctionUrl"], {"StringEquals": {"lambda:FunctionUrlAuthType": ["NONE"]}})
	invoke_statement := allow("*", ["lambda:InvokeFunction"], {"Bool": {"lambda:InvokedViaFunctionUrl": ["true"]}})
	fs := public_function.findings with input as {"functions": [fn([url_statement, invoke_statement], none)]}
	[f.detail | some f in fs] == ["function-url"]
}

# ... but not when the condition lets other calls in (IfExists passes a call without the key), nor
# when the statement grants more than the URL's calls.
test_invoke_function_not_only_through_the_url_is_public if {
	none := {"authType": "NONE", "url": "https://x.lambda-url.us-east-1.on.aws/", "qualifier": null}
	if_exists := allow("*", ["lambda:InvokeFunction"], {"BoolIfExists": {"lambda:InvokedViaFunctionUrl": ["true"]}})
	also_async := allow("*", ["lambda:InvokeFunction", "lambda:InvokeAsync"], {"Bool": {"lambda:InvokedViaFunctionUrl": ["true"]}})
	false_value := allow("*", ["lambda:InvokeFunction"], {"Bool": {"lambda:InvokedViaFunctionUrl": ["false"]}})
	fs := public_function.findings with input as {"functions": [fn([if_exists, also_async, false_value], none)]}
	sort([f.detail | some f in fs]) == ["function-url", "statement:sid::s0:public", "statement:sid::s1:public", "statement:sid::s2:public"]
}

test_url_with_iam_auth_is_fine if {
	count(public_function.findings) == 0 with input as {"functions": [fn([], {"authType": "AWS_IAM", "url": "https://x", "qualifier": null})]}
}

test_no_resource_policy if {
	count(public_function.findings) == 0 with input as {"functions": [{"arn": "a", "name": "api", "accountId": "123456789012", "resourcePolicy": null, "functionUrl": null}]}
}

test_a_statement_whose_time_window_has_closed_is_skipped if {
	closed := object.union(fn([allow("*", ["lambda:InvokeFunction"], {}), allow("*", ["lambda:InvokeFunction"], {})], null), {"analysis": {"closedPolicyStatements": [0]}})
	fs := public_function.findings with input as {"functions": [closed]}
	count(fs) == 1
	some f in fs
	f.detail == "statement:sid::s1:public"
}

test_a_statement_of_an_alias_policy_is_named_by_its_alias_and_own_index if {
	# Found by the collect sweep: alias live's public statement was reported as "Statement[1]" of the
	# function (the union's index), with no alias: remove-permission needs --qualifier live and index 0.
	stmts := [allow({"Service": ["s3.amazonaws.com"]}, ["lambda:InvokeFunction"], {"ArnLike": {"aws:SourceArn": ["arn:aws:s3:::b"]}, "StringEquals": {"aws:SourceAccount": ["123456789012"]}}), object.union(allow("*", ["lambda:InvokeFunction"], {}), {"Sid": "live-any"}), allow("*", ["lambda:InvokeFunction"], {})]
	f0 := object.union(fn(stmts, null), {"resourcePolicyStatementOrigins": [{"qualifier": null, "index": 0}, {"qualifier": "live", "index": 0}, {"qualifier": "3", "index": 0}]})
	fs := public_function.findings with input as {"functions": [f0]}
	count(fs) == 2
	some f in fs
	f.evidence.statementIndex == 1
	f.message == "Function api: resource policy of alias live, Statement[0] (live-any) lets anyone invoke the function (Principal \"*\" without a source condition)"
	f.evidence.qualifier == "live"
	f.evidence.statementIndexInPolicy == 0
	f.detail == "statement:sid:live:live-any:public"
	some g in fs
	g.evidence.statementIndex == 2
	startswith(g.message, "Function api: resource policy of version 3, Statement[0] (s2) lets anyone")

	# The function's own statements: as before.
	some h in public_function.findings with input as {"functions": [fn([allow("*", ["lambda:InvokeFunction"], {})], null)]}
	h.evidence.qualifier == null
	h.evidence.statementIndexInPolicy == 0
}

# Found in review: an own statement's fingerprint was built on its index in the union of the
# function's and its aliases' policies, which moves when an alias's policy (sorted first) is added.
test_an_alias_policy_added_first_does_not_change_the_own_statements_detail if {
	own := object.union(allow({"Service": ["s3.amazonaws.com"]}, ["lambda:InvokeFunction"], {}), {"Sid": "s3"})
	alone := public_function.findings with input as {"functions": [fn([own], null)]}
	alias := object.union(allow("*", ["lambda:InvokeFunction"], {}), {"Sid": "s0"})
	both := object.union(fn([alias, own], null), {"resourcePolicyStatementOrigins": [{"qualifier": "live", "index": 0}, {"qualifier": null, "index": 0}]})
	together := public_function.findings with input as {"functions": [both]}
	{f.detail | some f in alone} == {"statement:sid::s3:service:s3.amazonaws.com"}
	{f.detail | some f in together} == {"statement:sid::s3:service:s3.amazonaws.com", "statement:sid:live:s0:public"}
}

# The analysis names each statement (src/analysis/statement-ids.ts: a content hash when there is no Sid).
test_the_analysis_statement_id_is_used if {
	st := json.remove(allow("*", ["lambda:InvokeFunction"], {}), ["Sid"])
	doc := {"arn": "arn:aws:lambda:us-east-1:123456789012:function:api", "name": "api", "accountId": "123456789012", "functionUrl": null, "resourcePolicy": {"Statement": [st]}, "analysis": {"resourcePolicyStatementIds": ["content:0123abcd"]}}
	{f.detail | some f in public_function.findings with input as {"functions": [doc]}} == {"statement:content:0123abcd:public"}
}

# Without analysis and Sid, the statement's content names it: its place in the list does not.
test_without_sid_or_analysis_the_content_names_the_statement if {
	a := allow("*", ["lambda:InvokeFunction"], {})
	b := allow({"AWS": ["444455556666"]}, ["lambda:InvokeFunction"], {})
	ab := {f.detail | some f in public_function.findings with input as {"functions": [unanalysed([a, b])]}}
	ba := {f.detail | some f in public_function.findings with input as {"functions": [unanalysed([b, a])]}}
	count(ab) == 2
	ab == ba
}

unanalysed(statements) := {"arn": "arn:aws:lambda:us-east-1:123456789012:function:api", "name": "api", "accountId": "123456789012", "functionUrl": null, "resourcePolicy": {"Statement": statements}}
