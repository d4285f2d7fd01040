package leastrole.lib.analysis_test

import data.leastrole.lib.analysis

test_counted_is_singular_for_one_only if {
	analysis.counted(1, "action") == "1 action"
	analysis.counted(0, "action") == "0 actions"
	analysis.counted(2, "denied call") == "2 denied calls"
}

test_more_says_how_many_were_cut if {
	analysis.more(8, 5) == " and 3 more"
	analysis.more(5, 5) == ""
	analysis.more(2, 5) == ""
}

test_display_name_is_the_users_else_the_name if {
	analysis.display_name({"name": "Stack-FnServiceRole-1A2B", "displayName": "Stack/Fn/ServiceRole"}) == "Stack/Fn/ServiceRole"
	analysis.display_name({"name": "orders-api"}) == "orders-api"
}

test_policy_name_is_the_users_else_the_reference if {
	role := {"analysis": {"policyDisplayNames": {"inline:FnDefaultPolicy1A2B": "Stack/Fn/ServiceRole/DefaultPolicy"}}}
	analysis.policy_name(role, "inline:FnDefaultPolicy1A2B") == "Stack/Fn/ServiceRole/DefaultPolicy"
	analysis.policy_name(role, "arn:aws:iam::aws:policy/AdministratorAccess") == "arn:aws:iam::aws:policy/AdministratorAccess"
	analysis.policy_name({"analysis": {}}, "inline:x") == "inline:x"
	analysis.policy_name({}, "inline:x") == "inline:x"
}
