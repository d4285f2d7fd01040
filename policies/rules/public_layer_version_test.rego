package leastrole.rules.public_layer_version_test

import data.leastrole.rules.public_layer_version

layer_arn := "arn:aws:lambda:us-east-1:111122223333:layer:common:3"

fn_arn := "arn:aws:lambda:us-east-1:111122223333:function:orders"

# A layer version whose policy holds `statement`, with the grant the analysis gives it.
doc(statement, grant, functions) := {
	"accounts": [{"accountId": "111122223333"}, {"accountId": "444455556666"}],
	"layerVersions": [{
		"arn": layer_arn, "name": "common", "version": "3", "accountId": "111122223333", "region": "us-east-1",
		"policy": {"Version": "2012-10-17", "Statement": [statement]},
		"functions": functions,
		"analysis": {"policyGrants": [object.union({"index": 0}, grant)]},
	}],
}

get(principal) := {"Sid": "share", "Effect": "Allow", "Principal": principal, "Action": ["lambda:GetLayerVersion"], "Resource": [layer_arn]}

test_public_is_high_and_names_the_functions if {
	findings := public_layer_version.findings with input as doc(get("*"), {"pinned": false, "otherAccounts": []}, [fn_arn])
	count(findings) == 1
	some f in findings
	f.severity == "high"
	f.resource == {"type": "layer", "arn": layer_arn, "name": "common:3"}
	f.detail == "statement:sid:share:public"
	f.message == "Layer common version 3: policy Statement[0] (share) lets every AWS account get the version and download its code (Principal \"*\" without an aws:PrincipalOrgID or account condition); used by 1 function of the inputs: orders"
	f.evidence.functions == [fn_arn]
	f.evidence.sid == "share"
	f.evidence.statementIndex == 0
}

test_organisation_is_not_reported if {
	st := object.union(get("*"), {"Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5"]}}})
	count(public_layer_version.findings) == 0 with input as doc(st, {"pinned": true, "otherAccounts": []}, [])
}

test_account_outside_the_inputs_is_medium if {
	some f in public_layer_version.findings with input as doc(get({"AWS": ["arn:aws:iam::999988887777:root"]}), {"pinned": false, "otherAccounts": []}, [])
	f.severity == "medium"
	f.detail == "statement:sid:share:account:999988887777"
	f.message == "Layer common version 3: policy Statement[0] (share) lets account 999988887777, which is not among the inputs' accounts, get the version and download its code; no function of the inputs uses it"
}

test_account_of_the_inputs_is_low if {
	some f in public_layer_version.findings with input as doc(get({"AWS": ["444455556666"]}), {"pinned": false, "otherAccounts": []}, [fn_arn, "arn:aws:lambda:us-east-1:111122223333:function:billing"])
	f.severity == "low"
	contains(f.message, "used by 2 functions of the inputs: orders, billing")
}

test_own_account_is_not_reported if {
	count(public_layer_version.findings) == 0 with input as doc(get({"AWS": ["arn:aws:iam::111122223333:root"]}), {"pinned": false, "otherAccounts": []}, [])
}

test_wildcard_pinned_to_another_account_names_it if {
	st := object.union(get("*"), {"Condition": {"StringEquals": {"aws:PrincipalAccount": ["999988887777"]}}})
	some f in public_layer_version.findings with input as doc(st, {"pinned": true, "otherAccounts": ["999988887777"]}, [])
	f.severity == "medium"
	f.evidence.conditionKeys == ["aws:principalaccount"]
}

test_principal_left_by_a_deny_is_judged if {
	# A Deny took account 999988887777 back: only 444455556666 is left.
	grant := {"pinned": false, "otherAccounts": [], "principal": {"AWS": ["444455556666"]}}
	findings := public_layer_version.findings with input as doc(get({"AWS": ["444455556666", "999988887777"]}), grant, [])
	count(findings) == 1
	some f in findings
	f.detail == "statement:sid:share:account:444455556666"
}

test_statement_without_sid_is_keyed_by_index if {
	st := {"Effect": "Allow", "Principal": "*", "Action": ["lambda:GetLayerVersion"], "Resource": [layer_arn]}
	some f in public_layer_version.findings with input as doc(st, {"pinned": false, "otherAccounts": []}, [])
	f.detail == "statement:index:0:public"
	startswith(f.message, "Layer common version 3: policy Statement[0] lets every AWS account")
}

test_no_layers_no_findings if {
	count(public_layer_version.findings) == 0 with input as {"functions": []}
}

fn_doc(layers) := {
	"accounts": [{"accountId": "111122223333"}, {"accountId": "444455556666"}],
	"functions": [{"arn": fn_arn, "name": "orders", "accountId": "111122223333", "roleArn": "arn:aws:iam::111122223333:role/orders", "layers": layers}],
}

test_layer_of_another_account_is_info_on_the_function if {
	powertools := "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"
	findings := public_layer_version.findings with input as fn_doc([powertools])
	count(findings) == 1
	some f in findings
	f.severity == "info"
	f.resource == {"type": "function", "arn": fn_arn, "name": "orders"}
	f.detail == "layer-of-account:arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64"
	f.message == "Function orders runs layer AWSLambdaPowertoolsPythonV3-python312-x86_64 version 7 of account 017000801446, which is not among the inputs' accounts: that account's code runs inside the function with its execution role"
	f.evidence.publisherAccount == "017000801446"
}

test_own_and_input_accounts_layers_are_quiet if {
	own := "arn:aws:lambda:us-east-1:111122223333:layer:common:3"
	sibling := "arn:aws:lambda:us-east-1:444455556666:layer:shared:1"
	placeholder := "arn:aws:lambda:us-east-1:${AWS::AccountId}:layer:common:${Common.Version}"
	count(public_layer_version.findings) == 0 with input as fn_doc([own, sibling, placeholder])
}

test_function_of_an_unknown_account_says_nothing if {
	powertools := "arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScript:21"
	doc := {"accounts": [], "functions": [{"arn": "arn:aws:lambda:unknown:unknown:function:Fn", "name": "Fn", "accountId": "unknown", "roleArn": "arn:aws:iam::unknown:role/r", "layers": [powertools]}]}
	count(public_layer_version.findings) == 0 with input as doc
}

# A template's or plan's function is named as the user's code names it (displayName).
test_iac_function_is_named_as_written if {
	powertools := "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"
	d := fn_doc([powertools])
	some f in public_layer_version.findings with input as object.union(d, {"functions": [object.union(d.functions[0], {"displayName": "Orders/Fn"})]})
	startswith(f.message, "Function Orders/Fn runs layer AWSLambdaPowertoolsPythonV3-python312-x86_64 version 7 of account 017000801446")
	f.resource.name == "orders"
}

# The functions of a template or plan that run the version are named as their code names them
# (the analysis gives their display names: they may be in another slice of the input); the others
# by name; all in the order of the names shown; the evidence keeps the ARNs in their order.
test_iac_functions_are_named_as_the_users if {
	billing := "arn:aws:lambda:us-east-1:111122223333:function:billing"
	d := doc(get("*"), {"pinned": false, "otherAccounts": []}, [fn_arn, billing])
	layer := with_display_names(d, {fn_arn: "module.orders"})
	some f in public_layer_version.findings with input as object.union(d, {"layerVersions": [layer]})
	endswith(f.message, "; used by 2 functions of the inputs: billing, module.orders")
	f.evidence.functions == [fn_arn, billing]
}

with_display_names(d, names) := object.union(d.layerVersions[0], {"analysis": object.union(d.layerVersions[0].analysis, {"functionDisplayNames": names})})

# A SAM template's `FunctionName: zeta` of logical ID Alpha and `alpha` of Zulu: listed Alpha, Zulu
# (by the names shown), not Zulu, Alpha (by the names in AWS, layer.functions' order).
test_iac_functions_are_listed_by_the_names_shown if {
	alpha := "arn:aws:lambda:us-east-1:111122223333:function:alpha"
	zeta := "arn:aws:lambda:us-east-1:111122223333:function:zeta"
	d := doc(get("*"), {"pinned": false, "otherAccounts": []}, [alpha, zeta])
	some f in public_layer_version.findings with input as object.union(d, {"layerVersions": [with_display_names(d, {alpha: "Zulu", zeta: "Alpha"})]})
	endswith(f.message, "; used by 2 functions of the inputs: Alpha, Zulu")
	f.evidence.functions == [alpha, zeta]
}

# An account export's functions (no display names) keep layer.functions' order (by ARN), as before.
test_account_functions_keep_their_order if {
	zeta := "arn:aws:lambda:eu-west-1:111122223333:function:zeta"
	alpha := "arn:aws:lambda:us-east-1:111122223333:function:alpha"
	some f in public_layer_version.findings with input as doc(get("*"), {"pinned": false, "otherAccounts": []}, [zeta, alpha])
	endswith(f.message, "; used by 2 functions of the inputs: zeta, alpha")
}
