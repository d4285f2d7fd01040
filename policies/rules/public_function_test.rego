package leastrole.rules.public_function_test

import data.leastrole.rules.public_function

# The rule reads each statement's facts from the analysis (src/analysis/resource-policy.ts); which
# conditions pin the caller is tested on the facts' side, through the compiled pack, from one case
# table shared with LR011 (test/analysis/pins.test.ts, test/fixtures/pins-cases.ts). Here the facts
# are given: `g(index, access, pinned, otherAccounts, urlOnly)`.
g(index, access, pinned, others, url_only) := {"index": index, "access": access, "actions": [], "pinned": pinned, "otherAccounts": others, "urlOnly": url_only}

fn(statements, url, grants) := {
	"arn": "arn:aws:lambda:us-east-1:123456789012:function:api", "name": "api", "accountId": "123456789012",
	"resourcePolicy": {"Version": "2012-10-17", "Statement": [with_sid(st, i) | some i, st in statements]}, "functionUrls": [u | some u in [url]; u != null],
	"analysis": {"resourcePolicyGrants": grants},
}

# Every statement Lambda writes has a Sid (AddPermission's StatementId): s<i> unless given.
with_sid(st, i) := st if {
	is_string(st.Sid)
} else := object.union(st, {"Sid": sprintf("s%d", [i])})

allow(principal, actions, condition) := {"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": ["arn:aws:lambda:us-east-1:123456789012:function:api"], "Condition": condition}

test_public_invoke_is_critical if {
	fs := public_function.findings with input as {"functions": [fn([allow("*", ["lambda:InvokeFunction"], {})], null, [g(0, "invoke", false, [], false)])]}
	count(fs) == 1
	some f in fs
	f.severity == "critical"
	f.detail == "statement:sid::s0:public"
	f.message == "Function api: resource policy Statement[0] (s0) lets anyone invoke the function (Principal \"*\" without a source condition)"
}

test_aws_star_principal_is_public if {
	some f in public_function.findings with input as {"functions": [fn([allow({"AWS": ["*"]}, ["lambda:*"], {})], null, [g(0, "change", false, [], false)])]}
	f.severity == "critical"
}

test_pinned_public_statement_is_not_reported if {
	count(public_function.findings) == 0 with input as {"functions": [fn([allow("*", ["lambda:InvokeFunction"], {"StringEquals": {"AWS:SourceAccount": ["123456789012"]}})], null, [g(0, "invoke", true, [], false)])]}
}

test_service_without_source_is_medium if {
	some f in public_function.findings with input as {"functions": [fn([object.union(allow({"Service": ["s3.amazonaws.com"]}, ["lambda:InvokeFunction"], {}), {"Sid": "s3invoke"})], null, [g(0, "invoke", false, [], false)])]}
	f.severity == "medium"
	f.detail == "statement:sid::s3invoke:service:s3.amazonaws.com"
	contains(f.message, "Statement[0] (s3invoke) lets s3.amazonaws.com invoke")
}

test_pinned_service_is_fine if {
	count(public_function.findings) == 0 with input as {"functions": [fn([allow({"Service": ["sns.amazonaws.com"]}, ["lambda:InvokeFunction"], {"ArnLike": {"AWS:SourceArn": ["arn:aws:sns:us-east-1:123456789012:topic"]}})], null, [g(0, "invoke", true, [], false)])]}
}

test_cross_account_is_medium if {
	some f in public_function.findings with input as {"functions": [fn([allow({"AWS": ["arn:aws:iam::111122223333:root"]}, ["lambda:InvokeFunction"], {})], null, [g(0, "invoke", false, [], false)])]}
	f.severity == "medium"
	f.detail == "statement:sid::s0:account:111122223333"
}

test_same_account_is_fine if {
	count(public_function.findings) == 0 with input as {"functions": [fn([allow({"AWS": ["123456789012"]}, ["lambda:InvokeFunction"], {})], null, [g(0, "invoke", false, [], false)])]}
}

test_template_account_principal_is_the_own_account if {
	count(public_function.findings) == 0 with input as {"functions": [fn([allow({"AWS": ["arn:aws:iam::${AWS::AccountId}:root"]}, ["lambda:InvokeFunction"], {})], null, [g(0, "invoke", false, [], false)])]}
}

# A resource policy can grant any function action: reading it (GetFunction returns the code and the
# environment variables) or changing it is worse than invoking it.
test_statements_are_judged_by_what_they_let_others_do if {
	fs := public_function.findings with input as {"functions": [fn(
		[
			allow("*", ["lambda:GetFunctionConfiguration"], {}),
			allow({"AWS": ["444455556666"]}, ["lambda:GetFunction"], {}),
			allow({"AWS": ["arn:aws:iam::444455556666:root"]}, ["lambda:*"], {}),
		],
		null,
		[object.union(g(0, "read", false, [], false), {"actions": ["lambda:getfunctionconfiguration"]}), object.union(g(1, "read", false, [], false), {"actions": ["lambda:getfunction"]}), g(2, "change", false, [], false)],
	)]}
	{[f.detail, f.severity] | some f in fs} == {["statement:sid::s0:public", "critical"], ["statement:sid::s1:account:444455556666", "high"], ["statement:sid::s2:account:444455556666", "high"]}
	some f in fs
	f.detail == "statement:sid::s0:public"
	f.message == "Function api: resource policy Statement[0] (s0) lets anyone read the function's configuration and environment variables (Principal \"*\" without a source condition)"
	some r in fs
	r.detail == "statement:sid::s1:account:444455556666"
	r.message == "Function api: resource policy Statement[1] (s1) lets account 444455556666 read the function's code and environment variables"
	some h in fs
	h.detail == "statement:sid::s2:account:444455556666"
	h.message == "Function api: resource policy Statement[2] (s2) lets account 444455556666 change the function (its code, configuration or permissions)"
}

# A statement the analysis lists no grant for (closed time window, no function action) is silent.
test_statements_without_facts_are_not_reported if {
	count(public_function.findings) == 0 with input as {"functions": [fn([allow("*", ["lambda:InvokeFunction"], {}), allow("*", ["lambda:ListTags"], {})], null, [])]}
}

# Pinned, but to someone else: a cross-account grant, not a public one.
test_pinned_to_another_account if {
	fs := public_function.findings with input as {"functions": [fn(
		[
			allow("*", ["lambda:InvokeFunction"], {"StringEquals": {"aws:PrincipalAccount": ["444455556666"]}}),
			allow({"Service": ["s3.amazonaws.com"]}, ["lambda:InvokeFunction"], {"StringEquals": {"aws:SourceAccount": ["444455556666"]}}),
		],
		null,
		[g(0, "invoke", true, ["444455556666"], false), g(1, "invoke", true, ["444455556666"], false)],
	)]}
	{[f.detail, f.severity] | some f in fs} == {["statement:sid::s0:account:444455556666", "medium"], ["statement:sid::s1:account:444455556666", "medium"]}
	some f in fs
	f.detail == "statement:sid::s0:account:444455556666"
	f.message == "Function api: resource policy Statement[0] (s0) lets account 444455556666 invoke the function (its conditions admit only that account)"
}

test_url_none_reported_once if {
	url_statement := allow("*", ["lambda:InvokeFunctionUrl"], {"StringEquals": {"lambda:FunctionUrlAuthType": ["NONE"]}})
	fs := public_function.findings with input as {"functions": [fn([url_statement], {"authType": "NONE", "url": "https://x.lambda-url.us-east-1.on.aws/", "qualifier": null}, [g(0, "invoke", false, [], true)])]}
	count(fs) == 1
	some f in fs
	f.detail == "function-url"
	f.severity == "high"
}

# A statement that grants more than the URL's calls is judged on its own.
test_invoke_function_not_only_through_the_url_is_public if {
	none := {"authType": "NONE", "url": "https://x.lambda-url.us-east-1.on.aws/", "qualifier": null}
	st := allow("*", ["lambda:InvokeFunction"], {"BoolIfExists": {"lambda:InvokedViaFunctionUrl": ["true"]}})
	fs := public_function.findings with input as {"functions": [fn([st], none, [g(0, "invoke", false, [], false)])]}
	sort([f.detail | some f in fs]) == ["function-url", "statement:sid::s0:public"]
}

test_url_with_iam_auth_is_fine if {
	count(public_function.findings) == 0 with input as {"functions": [fn([], {"authType": "AWS_IAM", "url": "https://x", "qualifier": null}, [])]}
}

test_no_resource_policy if {
	count(public_function.findings) == 0 with input as {"functions": [{"arn": "a", "name": "api", "accountId": "123456789012", "resourcePolicy": null, "functionUrls": [], "analysis": {}}]}
}

test_a_statement_of_an_alias_policy_is_named_by_its_alias_and_own_index if {
	# Found by the collect sweep: alias live's public statement was reported as "Statement[1]" of the
	# function (the union's index), with no alias: remove-permission needs --qualifier live and index 0.
	stmts := [allow({"Service": ["s3.amazonaws.com"]}, ["lambda:InvokeFunction"], {"StringEquals": {"aws:SourceAccount": ["123456789012"]}}), object.union(allow("*", ["lambda:InvokeFunction"], {}), {"Sid": "live-any"}), allow("*", ["lambda:InvokeFunction"], {})]
	f0 := object.union(fn(stmts, null, [g(0, "invoke", true, [], false), g(1, "invoke", false, [], false), g(2, "invoke", false, [], false)]), {"resourcePolicyStatementOrigins": [{"qualifier": null, "index": 0}, {"qualifier": "live", "index": 0}, {"qualifier": "3", "index": 0}]})
	fs := public_function.findings with input as {"functions": [f0]}
	count(fs) == 2
	some f in fs
	f.evidence.statementIndex == 1
	f.message == "Function api: resource policy of alias live, Statement[0] (live-any) lets anyone invoke the function (Principal \"*\" without a source condition)"
	f.evidence.qualifier == "live"
	f.evidence.statementIndexInPolicy == 0
	f.detail == "statement:sid:live:live-any:public"
	some h in fs
	h.evidence.statementIndex == 2
	startswith(h.message, "Function api: resource policy of version 3, Statement[0] (s2) lets anyone")
}

# What the URL exposes follows what its policy grants the public (functions[].analysis.publicUrls).
url_fn(public_url) := object.union(fn([], {"authType": "NONE", "url": "https://x.lambda-url.us-east-1.on.aws/", "qualifier": null}, []), {"analysis": {"publicUrls": [object.union(public_url, {"qualifier": null})]}})

# The unqualified function and each alias have their own URL and policy: here the function's URL
# answers 403 while alias live's is public. Before, only one URL per function was kept (the
# unqualified one), and the public alias URL went unreported.
test_each_url_is_judged_by_its_own_qualifier if {
	unqualified := {"authType": "NONE", "url": "https://a.lambda-url.us-east-1.on.aws/", "qualifier": null}
	live := {"authType": "NONE", "url": "https://b.lambda-url.us-east-1.on.aws/", "qualifier": "live"}
	iam := {"authType": "AWS_IAM", "url": "https://c.lambda-url.us-east-1.on.aws/", "qualifier": "beta"}
	f := object.union(fn([], null, []), {"functionUrls": [unqualified, iam, live], "analysis": {"publicUrls": [
		{"qualifier": null, "invokeFunctionUrl": false, "invokeFunction": false, "statements": []},
		{"qualifier": "live", "invokeFunctionUrl": true, "invokeFunction": true, "statements": [0, 1]},
	]}})
	fs := public_function.findings with input as {"functions": [f]}
	{[x.detail, x.severity, x.evidence.qualifier, x.evidence.url] | some x in fs} == {
		["function-url-not-granted", "low", null, "https://a.lambda-url.us-east-1.on.aws/"],
		["function-url:live", "high", "live", "https://b.lambda-url.us-east-1.on.aws/"],
	}
	some h in fs
	h.severity == "high"
	h.message == "Function api has a function URL (alias live) with AuthType NONE: anyone who knows the URL can invoke it"
	h.evidence.publicStatements == [0, 1]
}

# A document without the analysis (a custom pipeline) reads every NONE URL as public.
test_a_url_without_analysis_is_read_as_public if {
	f := object.remove(object.union(fn([], null, []), {"functionUrls": [{"authType": "NONE", "url": null, "qualifier": "live"}]}), ["analysis"])
	fs := public_function.findings with input as {"functions": [f]}
	[[x.detail, x.severity] | some x in fs] == [["function-url:live", "high"]]
}

test_url_callable_by_anyone_is_high if {
	fs := public_function.findings with input as {"functions": [url_fn({"invokeFunctionUrl": true, "invokeFunction": true, "statements": [0, 1]})]}
	[[f.detail, f.severity, f.message] | some f in fs] == [["function-url", "high", "Function api has a function URL with AuthType NONE: anyone who knows the URL can invoke it"]]
}

test_url_granted_invoke_function_url_only_is_high_and_says_why if {
	fs := public_function.findings with input as {"functions": [url_fn({"invokeFunctionUrl": true, "invokeFunction": false, "statements": [0]})]}
	[[f.detail, f.severity] | some f in fs] == [["function-url", "high"]]
	some f in fs
	contains(f.message, "created before October 2025")
}

test_url_nothing_grants_the_public_is_low if {
	not_granted := [{"invokeFunctionUrl": false, "invokeFunction": false, "statements": []}, {"invokeFunctionUrl": false, "invokeFunction": true, "statements": [0]}]
	every pu in not_granted {
		fs := public_function.findings with input as {"functions": [url_fn(pu)]}
		[[f.detail, f.severity] | some f in fs] == [["function-url-not-granted", "low"]]
	}
}

# A collection that failed to read the policy (lambda:GetPolicy denied): nothing read grants the
# public, which says nothing about what was not read.
test_url_with_an_unread_policy_is_high_and_says_unknown if {
	f0 := url_fn({"invokeFunctionUrl": false, "invokeFunction": false, "statements": []})
	fs := public_function.findings with input as {"functions": [object.union(f0, {"resourcePolicyUnread": true})]}
	[[f.detail, f.severity] | some f in fs] == [["function-url-policy-unread", "high"]]
	some f in fs
	contains(f.message, "could not be read")
}

test_url_granted_with_an_unread_policy_is_still_public if {
	f0 := url_fn({"invokeFunctionUrl": true, "invokeFunction": true, "statements": [0]})
	fs := public_function.findings with input as {"functions": [object.union(f0, {"resourcePolicyUnread": true})]}
	[[f.detail, f.severity] | some f in fs] == [["function-url", "high"]]
}

# Found in review: an own statement's fingerprint was built on its index in the union of the
# function's and its aliases' policies, which moves when an alias's policy (sorted first) is added.
test_an_alias_policy_added_first_does_not_change_the_own_statements_detail if {
	own := object.union(allow({"Service": ["s3.amazonaws.com"]}, ["lambda:InvokeFunction"], {}), {"Sid": "s3"})
	alone := public_function.findings with input as {"functions": [fn([own], null, [g(0, "invoke", false, [], false)])]}
	alias := object.union(allow("*", ["lambda:InvokeFunction"], {}), {"Sid": "s0"})
	both := object.union(fn([alias, own], null, [g(0, "invoke", false, [], false), g(1, "invoke", false, [], false)]), {"resourcePolicyStatementOrigins": [{"qualifier": "live", "index": 0}, {"qualifier": null, "index": 0}]})
	together := public_function.findings with input as {"functions": [both]}
	{f.detail | some f in alone} == {"statement:sid::s3:service:s3.amazonaws.com"}
	{f.detail | some f in together} == {"statement:sid::s3:service:s3.amazonaws.com", "statement:sid:live:s0:public"}
}

# The analysis names each statement (src/analysis/statement-ids.ts: a content hash when there is no Sid).
test_the_analysis_statement_id_is_used if {
	st := json.remove(allow("*", ["lambda:InvokeFunction"], {}), ["Sid"])
	doc := {"arn": "arn:aws:lambda:us-east-1:123456789012:function:api", "name": "api", "accountId": "123456789012", "functionUrls": [], "resourcePolicy": {"Statement": [st]}, "analysis": {"resourcePolicyStatementIds": ["content:0123abcd"], "resourcePolicyGrants": [g(0, "invoke", false, [], false)]}}
	{f.detail | some f in public_function.findings with input as {"functions": [doc]}} == {"statement:content:0123abcd:public"}
}

# Without a statement id from the analysis or a Sid, the statement's content names it: its place in the list does not.
test_without_sid_or_statement_id_the_content_names_the_statement if {
	a := allow("*", ["lambda:InvokeFunction"], {})
	b := allow({"AWS": ["444455556666"]}, ["lambda:InvokeFunction"], {})
	ab := {f.detail | some f in public_function.findings with input as {"functions": [unnamed([a, b])]}}
	ba := {f.detail | some f in public_function.findings with input as {"functions": [unnamed([b, a])]}}
	count(ab) == 2
	ab == ba
}

unnamed(statements) := {"arn": "arn:aws:lambda:us-east-1:123456789012:function:api", "name": "api", "accountId": "123456789012", "functionUrls": [], "resourcePolicy": {"Statement": statements}, "analysis": {"resourcePolicyGrants": [g(i, "invoke", false, [], false) | some i, _ in statements]}}

# A URL's public statement left behind when the URL was switched to AWS_IAM (the analysis's
# `dormantUrl`): low, once, instead of a critical public grant.
test_a_dormant_url_statement_is_low if {
	st := allow("*", ["lambda:InvokeFunctionUrl"], {"StringEquals": {"lambda:FunctionUrlAuthType": ["NONE"]}})
	dormant := object.union(g(0, "invoke", false, [], true), {"dormantUrl": true})
	fs := public_function.findings with input as {"functions": [fn([st], {"authType": "AWS_IAM", "url": "https://x.lambda-url.us-east-1.on.aws/", "qualifier": null}, [dormant])]}
	[[f.detail, f.severity] | some f in fs] == [["statement:sid::s0:public-url-dormant", "low"]]
}

# A URL's public statement and no URL at all (the analysis's `noUrl`: the inputs hold the URL
# configurations): low, saying the function has no URL; before, a critical public grant.
test_a_url_statement_without_url_is_low if {
	st := allow("*", ["lambda:InvokeFunction"], {"Bool": {"lambda:InvokedViaFunctionUrl": ["true"]}})
	none := object.union(g(0, "invoke", false, [], true), {"noUrl": true})
	fs := public_function.findings with input as {"functions": [fn([st], null, [none])]}
	[[f.detail, f.severity] | some f in fs] == [["statement:sid::s0:public-url-dormant", "low"]]
	some f in fs
	contains(f.message, "the function has no URL, so this grants nothing now")
}

# Principal "*" held to the organisation by a Deny that exempts AWS services: not public, but any
# service may still call for any account (medium to invoke, high to read).
test_public_pinned_but_services_exempt_is_medium if {
	fs := public_function.findings with input as {"functions": [fn([allow("*", ["lambda:InvokeFunction"], {})], null, [object.union(g(0, "invoke", true, [], false), {"servicesUnpinned": true})])]}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.detail == "statement:sid::s0:service:*"
	contains(f.message, "lets any AWS service invoke the function on behalf of any account")
}

test_public_pinned_services_exempt_read_is_high if {
	some f in public_function.findings with input as {"functions": [fn([allow("*", ["lambda:GetFunction"], {})], null, [object.union(g(0, "read", true, [], false), {"servicesUnpinned": true})])]}
	f.severity == "high"
}

# A template's or plan's function is named as the user's code names it (displayName), in both findings.
test_iac_function_is_named_as_written if {
	f0 := fn([allow("*", ["lambda:InvokeFunction"], {})], null, [g(0, "invoke", false, [], false)])
	some f in public_function.findings with input as {"functions": [object.union(f0, {"displayName": "ApiFunction"})]}
	startswith(f.message, "Function ApiFunction: resource policy Statement[0] (s0) lets anyone invoke")
	f.detail == "statement:sid::s0:public"
	url_statement := allow("*", ["lambda:InvokeFunctionUrl"], {"StringEquals": {"lambda:FunctionUrlAuthType": ["NONE"]}})
	f1 := fn([url_statement], {"authType": "NONE", "url": "https://x.lambda-url.us-east-1.on.aws/", "qualifier": null}, [g(0, "invoke", false, [], true)])
	some u in public_function.findings with input as {"functions": [object.union(f1, {"displayName": "ApiFunction"})]}
	startswith(u.message, "Function ApiFunction has a function URL with AuthType NONE")
}
