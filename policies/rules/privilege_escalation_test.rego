package leastrole.rules.privilege_escalation_test

import data.leastrole.rules.privilege_escalation

path(id, conditional) := {"id": id, "title": sprintf("Title %s", [id]), "actions": ["iam:PutRolePolicy"], "resources": ["arn:aws:iam::123456789012:role/app"], "statements": [], "conditional": conditional, "why": "why"}

role(exec, paths) := {"arn": "arn:aws:iam::123456789012:role/app", "name": "app", "analysis": {"executionRole": exec, "escalationPaths": paths}}

user(paths) := {"arn": "arn:aws:iam::123456789012:user/dev", "name": "dev", "type": "user", "analysis": {"escalationPaths": paths}}

test_execution_role_with_path_is_critical if {
	fs := privilege_escalation.findings with input as {"roles": [role(true, [path("iam-put-role-policy", false)])], "principals": []}
	count(fs) == 1
	some f in fs
	f.severity == "critical"
	f.evidence.pathCount == 1
	f.message == "Role app has 1 privilege-escalation path: Title iam-put-role-policy (iam:PutRolePolicy on arn:aws:iam::123456789012:role/app)"
}

test_conditional_only_is_high if {
	some f in privilege_escalation.findings with input as {"roles": [role(true, [path("a", true), path("b", true)])], "principals": []}
	f.severity == "high"
}

test_mixed_takes_the_worst if {
	some f in privilege_escalation.findings with input as {"roles": [role(true, [path("a", true), path("b", false), path("c", true), path("d", true)])], "principals": []}
	f.severity == "critical"
	endswith(f.message, "; and 1 more")
}

test_no_path_no_finding if {
	count(privilege_escalation.findings) == 0 with input as {"roles": [role(true, [])], "principals": [user([])]}
		with data.leastrole.config.scope as "account"
}

test_default_scope_is_execution_roles if {
	count(privilege_escalation.findings) == 0 with input as {"roles": [role(false, [path("a", false)])], "principals": [user([path("b", false)])]}
}

test_account_scope_covers_every_role_and_user if {
	fs := privilege_escalation.findings with input as {"roles": [role(false, [path("a", false)])], "principals": [user([path("b", false)])]}
		with data.leastrole.config.scope as "account"
	{f.resource.type | some f in fs} == {"role", "principal"}
	some f in fs
	f.resource.type == "principal"
	startswith(f.message, "User dev has 1")
}

test_group_label if {
	g := object.union(user([path("b", false)]), {"type": "group", "name": "admins"})
	some f in privilege_escalation.findings with input as {"roles": [], "principals": [g]}
		with data.leastrole.config.scope as "account"
	startswith(f.message, "Group admins")
}

# Roles and users of a template or plan are named as the user's code names them (displayName).
test_iac_names_are_the_users if {
	r := object.union(role(true, [path("iam-put-role-policy", false)]), {"displayName": "Stack/App/ServiceRole"})
	u := object.union(user([path("b", false)]), {"displayName": "aws_iam_user.dev"})
	fs := privilege_escalation.findings with input as {"roles": [r], "principals": [u]}
		with data.leastrole.config.scope as "account"
	{split(f.message, " has ")[0] | some f in fs} == {"Role Stack/App/ServiceRole", "User aws_iam_user.dev"}
	{f.resource.name | some f in fs} == {"app", "dev"}
}

# A path's targets of a template or plan are named by their display names (the analysis gives
# them by resource); the others, and the evidence's list, stay the ARNs and `<any …>` descriptions.
test_iac_targets_are_named_as_the_users if {
	p := object.union(path("iam-put-role-policy", false), {
		"resources": ["<any role in 123456789012>", "arn:aws:iam::123456789012:role/other", "arn:aws:iam::123456789012:role/zz-app"],
		"resourceDisplayNames": {"arn:aws:iam::123456789012:role/zz-app": "ApiRole"},
	})
	r := object.union(role(true, [p]), {"displayName": "ApiRole"})
	some f in privilege_escalation.findings with input as {"roles": [r], "principals": []}

	# The first two by the names shown: the `<any …>` description, then ApiRole (listed last by its
	# ARN, role/zz-app), before role/other's ARN (`<` before `A` before `a`).
	f.message == "Role ApiRole has 1 privilege-escalation path: Title iam-put-role-policy (iam:PutRolePolicy on <any role in 123456789012>, ApiRole)"
	f.evidence.paths[0].resources == p.resources
}

# A SAM template's roles `RoleName: alpha` of logical ID Zulu and `zeta` of Alpha: the message
# names Alpha first (by the names shown), not Zulu (by the ARNs); an account export's (no display
# names) keeps the list's order, by ARN.
test_iac_targets_are_listed_by_the_names_shown if {
	alpha := "arn:aws:iam::123456789012:role/alpha"
	zeta := "arn:aws:iam::123456789012:role/zeta"
	p := object.union(path("iam-put-role-policy", false), {"resources": [alpha, zeta], "resourceDisplayNames": {alpha: "Zulu", zeta: "Alpha"}})
	some f in privilege_escalation.findings with input as {"roles": [role(true, [p])], "principals": []}
	endswith(f.message, "(iam:PutRolePolicy on Alpha, Zulu)")
	f.evidence.paths[0].resources == [alpha, zeta]

	plain := object.union(path("iam-put-role-policy", false), {"resources": [zeta, alpha]})
	some g in privilege_escalation.findings with input as {"roles": [role(true, [plain])], "principals": []}
	endswith(g.message, sprintf("(iam:PutRolePolicy on %s, %s)", [zeta, alpha]))
}

# Assuming a more privileged role: the message says which role, what of its trust policy lets the
# role in and why the target is more privileged (the analysis's `why` without the role's name).
test_assume_role_says_why_the_target_is_more_privileged if {
	p := object.union(path("sts-assume-role", false), {
		"title": "Assume a more privileged role",
		"actions": ["sts:AssumeRole"],
		"resources": ["arn:aws:iam::123456789012:role/admin"],
		"why": "app can assume admin, which trusts the account 123456789012 and is administrator (AdministratorAccess allows every action on every resource)",
	})
	some f in privilege_escalation.findings with input as {"roles": [role(true, [p])], "principals": []}
	f.severity == "critical"
	f.message == "Role app has 1 privilege-escalation path: Assume a more privileged role (sts:AssumeRole on arn:aws:iam::123456789012:role/admin): admin, which trusts the account 123456789012 and is administrator (AdministratorAccess allows every action on every resource)"
	f.evidence.paths[0].why == p.why
}

test_assume_role_under_a_trust_condition_is_high if {
	p := object.union(path("sts-assume-role", true), {"why": "app can assume admin, which trusts the account 123456789012 and is administrator (AdministratorAccess allows every action on every resource) (only under conditions the inputs do not settle)"})
	some f in privilege_escalation.findings with input as {"roles": [role(true, [p])], "principals": []}
	f.severity == "high"
	endswith(f.message, "(only under conditions the inputs do not settle)")
}

# A chain of roles (role chaining: src/analysis/escalation.ts, AssumeRoleChains): the message says
# the role assumed first (the resource, the one the role's own policies or its trust let it assume),
# each further role with what of its trust lets the one before in, why the last is more privileged,
# and the chain.
test_assume_role_chain_says_the_chain_and_why_the_last_is_privileged if {
	why := "app can assume b, which trusts app by its ARN and can assume admin, which trusts b by its ARN and is administrator (AdministratorAccess allows every action on every resource) (chain app → b → admin)"
	p := object.union(path("sts-assume-role", false), {
		"title": "Assume a more privileged role",
		"actions": ["sts:AssumeRole"],
		"resources": ["arn:aws:iam::123456789012:role/b"],
		"why": why,
		"chains": [["arn:aws:iam::123456789012:role/b", "arn:aws:iam::123456789012:role/admin"]],
	})
	some f in privilege_escalation.findings with input as {"roles": [role(true, [p])], "principals": []}
	f.severity == "critical"
	f.message == "Role app has 1 privilege-escalation path: Assume a more privileged role (sts:AssumeRole on arn:aws:iam::123456789012:role/b): b, which trusts app by its ARN and can assume admin, which trusts b by its ARN and is administrator (AdministratorAccess allows every action on every resource) (chain app → b → admin)"
	f.evidence.paths[0].why == why
	f.evidence.paths[0].resources == ["arn:aws:iam::123456789012:role/b"]
}

# The roles a chain goes through are in the evidence for programs (SIEM, SARIF consumers), by
# `resources`' index as the analysis gives them: a chain b → admin beside a single hop to admin2.
# A path that is not sts-assume-role has no `chains` key.
test_assume_role_chains_are_in_the_evidence if {
	b := "arn:aws:iam::123456789012:role/b"
	admin := "arn:aws:iam::123456789012:role/admin"
	admin2 := "arn:aws:iam::123456789012:role/admin2"
	p := object.union(path("sts-assume-role", false), {
		"title": "Assume a more privileged role",
		"actions": ["sts:AssumeRole"],
		"resources": [admin2, b],
		"chains": [[admin2], [b, admin]],
	})
	some f in privilege_escalation.findings with input as {"roles": [role(true, [path("iam-put-role-policy", false), p])], "principals": []}
	f.evidence.paths[1].chains == [[admin2], [b, admin]]
	f.evidence.paths[1].resources == [admin2, b]
	not "chains" in object.keys(f.evidence.paths[0])
}

test_assume_role_chain_of_an_iam_user_under_a_trust_condition_is_high if {
	p := object.union(path("sts-assume-role", true), {
		"title": "Assume a more privileged role",
		"actions": ["sts:AssumeRole"],
		"resources": ["arn:aws:iam::123456789012:role/b"],
		"why": "dev can assume b, which trusts dev by its ARN and can assume admin, which trusts the account 123456789012 and is administrator (AdministratorAccess allows every action on every resource) (chain dev → b → admin) (only under conditions the inputs do not settle)",
	})
	some f in privilege_escalation.findings with input as {"roles": [], "principals": [user([p])]}
		with data.leastrole.config.scope as "account"
	f.severity == "high"
	f.message == "User dev has 1 privilege-escalation path: Assume a more privileged role (sts:AssumeRole on arn:aws:iam::123456789012:role/b): b, which trusts dev by its ARN and can assume admin, which trusts the account 123456789012 and is administrator (AdministratorAccess allows every action on every resource) (chain dev → b → admin) (only under conditions the inputs do not settle)"
}
