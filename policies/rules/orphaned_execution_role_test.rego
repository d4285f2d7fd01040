package leastrole.rules.orphaned_execution_role_test

import data.leastrole.rules.orphaned_execution_role

summary(write, pm) := {"services": ["s3"], "actionCount": 10, "writeActionCount": count(write), "writeServices": write, "permissionsManagementActionCount": pm}

role(over) := object.union(
	{
		"arn": "arn:aws:iam::123456789012:role/old", "name": "old", "accountId": "123456789012", "trustsLambda": true,
		"functions": [], "lastUsed": null, "analysis": {"summary": summary([], 0), "escalationPaths": []},
	},
	over,
)

fns := [{"arn": "arn:aws:lambda:us-east-1:123456789012:function:other", "accountId": "123456789012"}]

# Every region of the account read (collect --regions all), or only some.
all_read := [{"accountId": "123456789012", "functionCoverage": {"regions": ["eu-west-1", "us-east-1"], "complete": true}}]

us_read := [{"accountId": "123456789012", "functionCoverage": {"regions": ["us-east-1"], "complete": false}}]

test_unused_lambda_role_is_reported if {
	fs := orphaned_execution_role.findings with input as {"roles": [role({})], "functions": fns, "accounts": all_read}
	count(fs) == 1
	some f in fs
	f.severity == "low"
	f.message == "Role old trusts Lambda but no function in any region of the account uses it; it grants 10 actions across 1 service (never used, or last use not recorded)"
	f.evidence.allRegionsRead == true
	f.evidence.functionRegionsRead == ["eu-west-1", "us-east-1"]
}

test_last_used_in_message if {
	some f in orphaned_execution_role.findings with input as {"roles": [role({"lastUsed": {"date": "2025-03-01T00:00:00Z", "region": "us-east-1"}})], "functions": fns, "accounts": all_read}
	endswith(f.message, "(last used 2025-03-01T00:00:00Z in us-east-1)")
}

test_write_raises_to_medium_and_paths_to_high if {
	some f in orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary(["s3"], 0), "escalationPaths": []}})], "functions": fns, "accounts": all_read}
	f.severity == "medium"
	some g in orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary([], 0), "escalationPaths": [{"id": "iam-put-role-policy"}]}})], "functions": fns, "accounts": all_read}
	g.severity == "high"
	g.evidence.escalationPaths == ["iam-put-role-policy"]
}

test_used_role_is_not_reported if {
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [role({"functions": ["arn:aws:lambda:us-east-1:123456789012:function:other"]})], "functions": fns, "accounts": all_read}
}

test_role_lambda_runs_another_resource_with_is_not_reported if {
	# A capacity provider's operator role: Lambda launches the provider's instances with it.
	operator := role({"lambdaServiceUses": [{"kind": "capacity-provider-operator", "resource": "arn:aws:lambda:us-east-1:123456789012:capacity-provider:cp"}]})
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [operator], "functions": fns, "accounts": all_read}

	# An empty list is no use.
	count(orphaned_execution_role.findings) == 1 with input as {"roles": [role({"lambdaServiceUses": []})], "functions": fns, "accounts": all_read}
}

test_role_not_trusting_lambda_is_not_reported if {
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [role({"trustsLambda": false})], "functions": fns, "accounts": all_read}
}

test_account_without_function_data_is_not_reported if {
	# Only IAM data for this account: "no function uses it" cannot be known.
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [role({})], "functions": [], "accounts": [{"accountId": "123456789012", "functionCoverage": {"regions": [], "complete": false}}]}

	# Functions of the account, but from no region's whole list (get-function files): nor here.
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [role({})], "functions": fns, "accounts": [{"accountId": "123456789012", "functionCoverage": {"regions": [], "complete": false}}]}

	# A document made before the coverage was recorded.
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [role({})], "functions": fns, "accounts": [{"accountId": "123456789012"}]}
}

test_some_regions_read_is_low_and_says_so if {
	# Found by the collect sweep: a one-region collect called every role of the other regions'
	# functions orphaned (high, "delete the role").
	fs := orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary(["s3"], 1), "escalationPaths": [{"id": "iam-put-role-policy"}]}})], "functions": fns, "accounts": us_read}
	count(fs) == 1
	some f in fs
	f.severity == "low"
	f.message == "Role old trusts Lambda but no function in the regions read (us-east-1) uses it; the account's other regions were not read (collect --regions all), and a function there may use it; it grants 10 actions across 1 service (never used, or last use not recorded)"
	f.evidence.allRegionsRead == false
	f.evidence.functionRegionsRead == ["us-east-1"]
}

test_last_used_in_a_region_not_read_is_not_reported if {
	# RoleLastUsed: the role ran in eu-west-1, whose functions the inputs do not list.
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [role({"lastUsed": {"date": "2025-03-01T00:00:00Z", "region": "eu-west-1"}})], "functions": fns, "accounts": us_read}

	# Last used in a region read, where no function uses it now: reported (low).
	some f in orphaned_execution_role.findings with input as {"roles": [role({"lastUsed": {"date": "2025-03-01T00:00:00Z", "region": "us-east-1"}})], "functions": fns, "accounts": us_read}
	f.severity == "low"

	# Every region read: RoleLastUsed does not hide it (a function used it once, none does now).
	some g in orphaned_execution_role.findings with input as {"roles": [role({"lastUsed": {"date": "2025-03-01T00:00:00Z", "region": "eu-west-1"}})], "functions": fns, "accounts": all_read}
	endswith(g.message, "(last used 2025-03-01T00:00:00Z in eu-west-1)")
}

test_an_empty_region_read_counts if {
	# An account with no function at all, every region read (its lists were empty): orphaned.
	some f in orphaned_execution_role.findings with input as {"roles": [role({})], "functions": [], "accounts": all_read}
	f.evidence.allRegionsRead == true
}

test_templates_use_the_inputs_functions if {
	# Template account IDs are placeholders (no entry in accounts): the template's functions are what it defines.
	tpl := object.union(role({}), {"arn": "arn:aws:iam::unknown:role/old", "accountId": "unknown"})
	some f in orphaned_execution_role.findings with input as {"roles": [tpl], "functions": [{"arn": "arn:aws:lambda:us-east-1:unknown:function:f", "accountId": "unknown"}], "accounts": []}
	f.message == "Role old trusts Lambda but no function in the inputs uses it; it grants 10 actions across 1 service (never used, or last use not recorded)"
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [tpl], "functions": [], "accounts": []}
}

test_templates_with_a_real_account_use_the_inputs_functions if {
	# --account-id given for templates only: the account is known, no region's list was read, and
	# its roles and functions are the templates' own (definedByIac).
	iac := [{"accountId": "123456789012", "functionCoverage": {"regions": [], "complete": false, "definedByIac": true}}]
	some f in orphaned_execution_role.findings with input as {"roles": [role({})], "functions": fns, "accounts": iac}
	f.message == "Role old trusts Lambda but no function in the inputs uses it; it grants 10 actions across 1 service (never used, or last use not recorded)"
	count(orphaned_execution_role.findings) == 0 with input as {"roles": [role({})], "functions": [], "accounts": iac}
}

test_log_writes_alone_stay_low if {
	some f in orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary(["logs", "xray"], 0), "escalationPaths": []}})], "functions": fns, "accounts": all_read}
	f.severity == "low"
}

test_permissions_management_is_medium if {
	some f in orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary([], 2), "escalationPaths": []}})], "functions": fns, "accounts": all_read}
	f.severity == "medium"
}

test_service_count_comes_from_the_uncapped_facts if {
	findings := orphaned_execution_role.findings with input as {
		"functions": [{"arn": "arn:aws:lambda:us-east-1:123456789012:function:f", "accountId": "123456789012"}],
		"accounts": all_read,
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

test_capacity_providers_not_listed_hedge_and_lower if {
	# lambda:ListCapacityProviders failed in eu-west-1 (denied, expired, throttled): the role may
	# be an operator role there, so "no function uses it" is no reason to delete it.
	cp := [{"accountId": "123456789012", "functionCoverage": {"regions": ["eu-west-1", "us-east-1"], "complete": true, "capacityProvidersUnread": ["eu-west-1"]}}]
	some f in orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary(["s3"], 0), "escalationPaths": []}})], "functions": fns, "accounts": cp}
	f.severity == "low"
	contains(f.message, "no function in any region of the account uses it, but the capacity providers of eu-west-1 could not be listed (lambda:ListCapacityProviders failed")
	f.evidence.allRegionsRead == true

	some g in orphaned_execution_role.findings with input as {"roles": [role({})], "functions": fns, "accounts": [{"accountId": "123456789012", "functionCoverage": {"regions": ["us-east-1"], "complete": false, "capacityProvidersUnread": ["us-east-1"]}}]}
	contains(g.message, "a function there may use it, but the capacity providers of us-east-1 could not be listed")
}

test_failed_region_remedy_is_resume_not_regions_all if {
	# --regions all, every enabled region asked for, eu-west-1's ListFunctions failed.
	failed_all := [{"accountId": "123456789012", "functionCoverage": {"regions": ["us-east-1"], "complete": false, "listsFailed": ["eu-west-1"], "allRegionsAsked": true}}]
	some f in orphaned_execution_role.findings with input as {"roles": [role({})], "functions": fns, "accounts": failed_all}
	f.severity == "low"
	contains(f.message, "no function in the regions read (us-east-1) uses it; the function list of eu-west-1 could not be read (lambda:ListFunctions failed: see the collection's reasons; fix it and collect --resume), and a function there may use it")
	not contains(f.message, "--regions all")

	# --regions us-east-1,eu-west-1: both remedies.
	failed_some := [{"accountId": "123456789012", "functionCoverage": {"regions": ["us-east-1"], "complete": false, "listsFailed": ["eu-west-1"]}}]
	some g in orphaned_execution_role.findings with input as {"roles": [role({})], "functions": fns, "accounts": failed_some}
	contains(g.message, "the function list of eu-west-1 could not be read (lambda:ListFunctions failed: see the collection's reasons; fix it and collect --resume) and the account's other regions were not read (collect --regions all)")

	# Every region asked for, nothing failed, but a region's list is not among the inputs.
	left_out := [{"accountId": "123456789012", "functionCoverage": {"regions": ["us-east-1"], "complete": false, "allRegionsAsked": true}}]
	some k in orphaned_execution_role.findings with input as {"roles": [role({})], "functions": fns, "accounts": left_out}
	contains(k.message, "the function lists of the account's other regions are not among the inputs (give the whole collection folder)")

	# --regions all, but account:ListRegions failed: only the home region was read, and running
	# --regions all again is not the remedy.
	unlisted := [{"accountId": "123456789012", "functionCoverage": {"regions": ["us-east-1"], "complete": false, "enabledRegionsUnknown": true}}]
	some m in orphaned_execution_role.findings with input as {"roles": [role({})], "functions": fns, "accounts": unlisted}
	contains(m.message, "no function in the regions read (us-east-1) uses it; the account's enabled regions could not be listed (account:ListRegions failed: grant it and collect --resume, or name the regions with --regions), so its other regions were not read, and a function there may use it")
	not contains(m.message, "--regions all")
	unlisted_failed := [{"accountId": "123456789012", "functionCoverage": {"regions": ["us-east-1"], "complete": false, "listsFailed": ["us-west-2"], "enabledRegionsUnknown": true}}]
	some n in orphaned_execution_role.findings with input as {"roles": [role({})], "functions": fns, "accounts": unlisted_failed}
	contains(n.message, "(lambda:ListFunctions failed: see the collection's reasons; fix it and collect --resume) and the account's enabled regions could not be listed (account:ListRegions failed")
	not contains(n.message, "--regions all")

	# Nothing failed, some regions asked for: as before.
	some h in orphaned_execution_role.findings with input as {"roles": [role({})], "functions": fns, "accounts": us_read}
	contains(h.message, "no function in the regions read (us-east-1) uses it; the account's other regions were not read (collect --regions all), and a function there may use it")
}

# An alias routes calls to versions whose configuration the inputs do not hold: one may run with
# the role. Held back to low, naming them, however much the role grants.
test_unread_alias_versions_hold_back_to_low if {
	unread := [{"accountId": "123456789012", "functionCoverage": {"regions": ["eu-west-1", "us-east-1"], "complete": true, "versionsUnread": ["arn:aws:lambda:us-east-1:123456789012:function:other:7", "arn:aws:lambda:us-east-1:123456789012:function:other:8"]}}]
	fs := orphaned_execution_role.findings with input as {"roles": [role({"analysis": {"summary": summary([], 0), "escalationPaths": [{"id": "iam-put-role-policy"}]}})], "functions": fns, "accounts": unread}
	count(fs) == 1
	some f in fs
	f.severity == "low"
	startswith(f.message, "Role old trusts Lambda but no function in any region of the account uses it, but aliases route calls to arn:aws:lambda:us-east-1:123456789012:function:other:7, arn:aws:lambda:us-east-1:123456789012:function:other:8, which the inputs do not hold, and any of them may run with this role")
}

# A template's or plan's role is named as the user's code names it (displayName).
test_iac_role_is_named_as_written if {
	fs := orphaned_execution_role.findings with input as {"roles": [role({"displayName": "module.old.aws_iam_role.this[0]"})], "functions": fns, "accounts": all_read}
	some f in fs
	startswith(f.message, "Role module.old.aws_iam_role.this[0] trusts Lambda but no function in any region of the account uses it")
	f.resource.name == "old"
}

# A plan's function whose execution role is known only after apply and whose reference could not be
# followed (its ARN a placeholder): any role of its account may be the one. Low, saying so.
test_function_with_unnamed_role_holds_back_to_low if {
	iac_role := role({"arn": "arn:aws:iam::unknown:role/exec", "name": "exec", "accountId": "unknown", "analysis": {"summary": summary(["s3"], 0), "escalationPaths": []}})
	unnamed := [{"arn": "arn:aws:lambda:unknown:unknown:function:f", "accountId": "unknown", "roleArn": "arn:aws:iam::unknown:role/${aws_lambda_function.main.role}"}]
	fs := orphaned_execution_role.findings with input as {"roles": [iac_role], "functions": unnamed}
	count(fs) == 1
	some f in fs
	f.severity == "low"
	contains(f.message, "the execution role of a function in them is known only after apply and may be it")

	# A function whose role is another role of the inputs, or a constant ARN, says nothing of this one.
	named := [{"arn": "arn:aws:lambda:unknown:unknown:function:f", "accountId": "unknown", "roleArn": "arn:aws:iam::111122223333:role/other"}]
	some g in orphaned_execution_role.findings with input as {"roles": [iac_role], "functions": named}
	g.severity == "medium"
	g.message == "Role exec trusts Lambda but no function in the inputs uses it; it grants 10 actions across 1 service (never used, or last use not recorded)"
}

# Some of its policies are not in the inputs: what it grants is a lower bound, not "0 actions".
test_incomplete_permissions_are_a_lower_bound if {
	partial := role({"analysis": {"summary": object.union(summary([], 0), {"actionCount": 0, "services": []}), "escalationPaths": []}, "facts": {"incomplete": true, "serviceCount": 0}})
	some f in orphaned_execution_role.findings with input as {"roles": [partial], "functions": fns, "accounts": all_read}
	f.message == "Role old trusts Lambda but no function in any region of the account uses it; it grants at least 0 actions across 0 services (never used, or last use not recorded); some of its policies are not in the inputs"
}
