package leastrole.rules.environment_exposure_test

import data.leastrole.rules.environment_exposure

reader(arn, decision) := {"principalArn": arn, "principalType": "user", "actions": ["lambda:GetFunctionConfiguration"], "decision": decision, "statements": []}

fn(env, readers) := {
	"arn": "arn:aws:lambda:us-east-1:123456789012:function:api", "name": "api", "environmentVariableNames": env,
	"analysis": {"configurationReaders": readers, "readerCount": count(readers), "readersTruncated": false},
}

test_readers_of_environment_are_reported if {
	fs := environment_exposure.findings with input as {"functions": [fn(["DB_PASSWORD", "TABLE"], [reader("arn:aws:iam::123456789012:user/b", "allowed"), reader("arn:aws:iam::123456789012:user/a", "conditional")])]}
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	f.message == "Function api has 2 environment variables readable by 2 principals: arn:aws:iam::123456789012:user/a, arn:aws:iam::123456789012:user/b"
}

test_only_conditional_readers_is_low if {
	some f in environment_exposure.findings with input as {"functions": [fn(["X"], [reader("arn:aws:iam::123456789012:user/a", "conditional")])]}
	f.severity == "low"
}

test_no_environment_no_finding if {
	count(environment_exposure.findings) == 0 with input as {"functions": [fn([], [reader("arn:aws:iam::123456789012:user/a", "allowed")])]}
}

test_no_readers_no_finding if {
	count(environment_exposure.findings) == 0 with input as {"functions": [fn(["X"], [])]}
}

test_many_readers_summarised if {
	some f in environment_exposure.findings with input as {"functions": [fn(["X"], [reader(sprintf("arn:aws:iam::123456789012:user/u%d", [i]), "allowed") | some i in numbers.range(1, 7)])]}
	endswith(f.message, "and 2 more")
}

# A template's or plan's function is named as the user's code names it (displayName).
test_iac_function_is_named_as_written if {
	f0 := fn(["X"], [reader("arn:aws:iam::123456789012:user/a", "allowed")])
	some f in environment_exposure.findings with input as {"functions": [object.union(f0, {"displayName": "Orders/Api"})]}
	startswith(f.message, "Function Orders/Api has 1 environment variable readable by 1 principal")
	f.resource.name == "api"
}

# A reader of a template or plan is named as the user's code names it (its displayName, which the
# analysis copies into the reader), else by its ARN.
test_iac_readers_are_named_as_written if {
	named := object.union(reader("arn:aws:iam::123456789012:role/Stack-SharedRoleD1D02F7E", "allowed"), {"displayName": "Stack/SharedRole"})
	some f in environment_exposure.findings with input as {"functions": [fn(["X"], [named, reader("arn:aws:iam::123456789012:user/a", "allowed")])]}
	endswith(f.message, "readable by 2 principals: Stack/SharedRole, arn:aws:iam::123456789012:user/a")
}

# The built-in view (src/evaluate/rules-view.ts) gives what the rule reads of each reader and a
# held list's token for the evidence (src/evaluate/held-lists.ts): the same finding as from the
# whole document, with the token where the readers go.
test_the_view_gives_the_same_finding_with_the_readers_held if {
	readers := [reader("arn:aws:iam::123456789012:user/b", "allowed"), reader("arn:aws:iam::123456789012:user/a", "conditional")]
	whole := environment_exposure.findings with input as {"functions": [fn(["DB_PASSWORD"], readers)]}
	slim := [{"principalArn": r.principalArn, "decision": r.decision} | some r in readers]
	viewed := json.patch(fn(["DB_PASSWORD"], slim), [{"op": "add", "path": "/analysis/configurationReadersHeld", "value": "configurationReaders f"}])
	from_view := environment_exposure.findings with input as {"functions": [viewed]}
	some w in whole
	w.evidence.readers == readers
	from_view == [json.patch(w, [{"op": "replace", "path": "/evidence/readers", "value": {"$held": "configurationReaders f"}}])]
}
