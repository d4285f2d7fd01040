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
