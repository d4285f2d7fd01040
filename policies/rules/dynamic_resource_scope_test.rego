package leastrole.rules.dynamic_resource_scope_test

import data.leastrole.rules.dynamic_resource_scope

suggestion := {
	"policy": "inline:data", "index": 2,
	"granted": "arn:aws:dynamodb:us-east-1:123456789012:table/*",
	"suggested": "arn:aws:dynamodb:us-east-1:123456789012:table/orders-*",
	"actions": ["dynamodb:GetItem", "dynamodb:PutItem"],
	"resources": ["arn:aws:dynamodb:us-east-1:123456789012:table/orders-eu", "arn:aws:dynamodb:us-east-1:123456789012:table/orders-us"],
}

doc(exec, suggestions) := {"roles": [{"arn": "arn:aws:iam::123456789012:role/app", "name": "app", "analysis": {"executionRole": exec, "scopeSuggestions": suggestions}}]}

test_suggestion_is_reported if {
	fs := dynamic_resource_scope.findings with input as doc(true, [suggestion])
	count(fs) == 1
	some f in fs
	f.detail == "inline:data#2:arn:aws:dynamodb:us-east-1:123456789012:table/*"
	f.evidence.suggested == "arn:aws:dynamodb:us-east-1:123456789012:table/orders-*"
	endswith(f.message, "scope it to arn:aws:dynamodb:us-east-1:123456789012:table/orders-*")
}

test_no_suggestion_no_finding if {
	count(dynamic_resource_scope.findings) == 0 with input as doc(true, [])
}

test_non_execution_role_is_skipped if {
	count(dynamic_resource_scope.findings) == 0 with input as doc(false, [suggestion])
}

test_resources_beyond_the_sample_are_said if {
	s := object.union(suggestion, {"beyondSample": ["arn:aws:dynamodb:us-east-1:123456789012:table/orders-*"]})
	fs := dynamic_resource_scope.findings with input as doc(true, [s])
	some f in fs
	contains(f.message, "orders-us, and more beyond the usage sample, all under arn:aws:dynamodb:us-east-1:123456789012:table/orders-* (dynamodb:GetItem")
	f.evidence.beyondSample == ["arn:aws:dynamodb:us-east-1:123456789012:table/orders-*"]
}

test_no_beyond_sample_text_without_it if {
	fs := dynamic_resource_scope.findings with input as doc(true, [suggestion])
	some f in fs
	not contains(f.message, "beyond the usage sample")
	f.evidence.beyondSample == []
}

# A role the CDK makes for one of its own handlers: the suggestion stands, and the message says the
# CDK writes the grant and where the app can scope it (policies/lib/analysis.rego, cdk_handler_advice).
test_cdk_handler_role_says_the_cdk_writes_it if {
	handler := {"kind": "aws-custom-resource", "construct": "S/AWS679f53fac002430cb0da5b7982bd2287", "awsCustomResources": {"inline:data": "S/ReadOrders"}}
	role := object.union(doc(true, [suggestion]).roles[0], {"cdkHandler": handler})
	fs := dynamic_resource_scope.findings with input as {"roles": [role]}
	count(fs) == 1
	some f in fs
	contains(f.message, "scope it to arn:aws:dynamodb:us-east-1:123456789012:table/orders-*. The CDK writes this grant for the AwsCustomResource S/ReadOrders from its policy")
}

test_iac_names_are_the_users if {
	d := doc(true, [suggestion])
	iac := {"roles": [object.union(d.roles[0], {"displayName": "OrdersRole", "analysis": {"policyDisplayNames": {"inline:data": "OrdersRoleDataPolicy"}}})]}
	fs := dynamic_resource_scope.findings with input as iac
	count(fs) == 1
	some f in fs
	startswith(f.message, "Role OrdersRole: OrdersRoleDataPolicy Statement[2] ")
	f.detail == "inline:data#2:arn:aws:dynamodb:us-east-1:123456789012:table/*"
}
