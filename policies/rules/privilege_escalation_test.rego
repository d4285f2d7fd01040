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
		"resources": ["<any role in 123456789012>", "arn:aws:iam::123456789012:role/app", "arn:aws:iam::123456789012:role/other"],
		"resourceDisplayNames": {"arn:aws:iam::123456789012:role/app": "aws_iam_role.app"},
	})
	r := object.union(role(true, [p]), {"displayName": "aws_iam_role.app"})
	some f in privilege_escalation.findings with input as {"roles": [r], "principals": []}
	f.message == "Role aws_iam_role.app has 1 privilege-escalation path: Title iam-put-role-policy (iam:PutRolePolicy on <any role in 123456789012>, aws_iam_role.app)"
	f.evidence.paths[0].resources == p.resources
}
