package leastrole.rules.orphaned_execution_role_test

import data.leastrole.rules.orphaned_execution_role

summary(write, pm) := {"services": ["s3"], "actionCount": 10, "writeActionCount": count(write), "writeServices": write, "permissionsManagementActionCount": pm}

role(over) := object.union({
	"arn": "arn:aws:iam::123456789012:role/old", "name": "old", "accountId": "123456789012", "trustsLambda": true,
	"functions": [], "lastUsed": null, "analysis": {"summary": summary([], 0), "escalationPaths": []},
}, over)

fns := [{"arn": "arn:aws:lambda:us-east-1:123456789012:function:other", "accountId": "123456789012"}]

test_unused_lambda_role_is_reported if {
	fs := orphaned_execution_role.findings with input as {"roles": [role({})], "functions": fns}
	count(fs) == 1
	some f in fs
	f.severity == "low"
	f.message == "Role old trusts Lambda but no function in the inputs uses it; it grants 10 actions across 1 services (never used, or last use not recorded)"
}

test_last_used_in_message if {
	some f in orphaned_execution_role.findings with input as {"roles": [role({"lastUsed": {"date": "2025-03-01T00:00:00Z", "region": "us-east-1"}})], "functions": fns}
	endswith(f.message, "(last used 2025-03-01T00:00:00Z)")
}

test_write_raises_to_medium_and_paths_to_high if {
	some f in orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary(["s3"], 0), "escalationPaths": []}})], "functions": fns}
	f.severity == "medium"
	some g in orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary([], 0), "escalationPaths": [{"id": "iam-put-role-policy"}]}})], "functions": fns}
	g.severity == "high"
	g.evidence.escalationPaths == ["iam-put-role-policy"]
}

test_used_role_is_not_reported if {
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [role({"functions": ["arn:aws:lambda:us-east-1:123456789012:function:other"]})], "functions": fns}
}

test_role_not_trusting_lambda_is_not_reported if {
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [role({"trustsLambda": false})], "functions": fns}
}

test_account_without_function_data_is_not_reported if {
	# Only IAM data for this account: "no function uses it" cannot be known.
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [role({})], "functions": []}
}

test_log_writes_alone_stay_low if {
	some f in orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary(["logs", "xray"], 0), "escalationPaths": []}})], "functions": fns}
	f.severity == "low"
}

test_permissions_management_is_medium if {
	some f in orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary([], 2), "escalationPaths": []}})], "functions": fns}
	f.severity == "medium"
}

test_service_count_comes_from_the_uncapped_facts if {
	findings := orphaned_execution_role.findings with input as {
		"functions": [{"arn": "arn:aws:lambda:us-east-1:123456789012:function:f", "accountId": "123456789012"}],
		"roles": [{
			"arn": "arn:aws:iam::123456789012:role/admin", "name": "admin", "accountId": "123456789012",
			"trustsLambda": true, "functions": [], "lastUsed": null,
			"facts": {"serviceCount": 450},
			"analysis": {"executionRole": true, "summary": {"services": ["a", "b"], "actionCount": 22091, "writeActionCount": 10, "writeServices": ["a"], "permissionsManagementActionCount": 1}, "escalationPaths": []},
		}],
	}
	some f in findings
	contains(f.message, "22091 actions across 450 services")
}
