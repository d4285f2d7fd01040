package leastrole.rules.tracing_permissions_test

import data.leastrole.rules.missing_log_permissions_test as h
import data.leastrole.rules.tracing_permissions

xray(decision) := [h.req("tracing", "Active", a, decision, true) | some a in ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]]

test_active_tracing_without_xray if {
	fs := tracing_permissions.findings with input as {"functions": [h.fn(xray("implicit-deny"), {})]}
	count(fs) == 1
	some f in fs
	f.detail == "missing"
	f.severity == "low"
	f.message == "Function api has Active tracing but its execution role does not allow xray:PutTelemetryRecords, xray:PutTraceSegments"
}

test_active_tracing_with_xray if {
	count(tracing_permissions.findings) == 0 with input as {"functions": [h.fn(xray("allowed"), {})]}
}

test_xray_without_tracing if {
	f0 := h.fn([], {})
	fn := object.union(f0, {"analysis": object.union(f0.analysis, {"unneededCapabilities": [{"purpose": "tracing", "actions": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "statements": []}]})})
	some f in tracing_permissions.findings with input as {"functions": [fn]}
	f.detail == "unneeded"
}

test_incomplete_role_missing_is_info if {
	some f in tracing_permissions.findings with input as {"functions": [h.fn([], {"analysis": {"roleFound": true, "roleIncomplete": true, "requirements": xray("implicit-deny"), "unneededCapabilities": []}})]}
	f.severity == "info"
}

test_a_traced_version_without_xray if {
	reqs := [h.req("tracing", "Active (version 3)", "xray:PutTraceSegments", "implicit-deny", true)]
	some f in tracing_permissions.findings with input as {"functions": [h.fn(reqs, {"tracingMode": "PassThrough"})]}
	f.message == "Function api has Active tracing (version 3) but its execution role does not allow xray:PutTraceSegments"
}

test_module_role_without_its_tracing_policy_names_the_input if {
	reqs := [h.req("tracing", "Active", a, "implicit-deny", true) | some a in ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]]
	some f in tracing_permissions.findings with input as {"functions": [h.fn(reqs, {})], "roles": [h.module_role(["logs"])]}
	f.message == "Function api has Active tracing but its execution role does not allow xray:PutTelemetryRecords, xray:PutTraceSegments. Its role is made by the terraform-aws-modules/lambda call module.api: set attach_tracing_policy = true there, which attaches the module's copy of AWSXRayDaemonWriteAccess"
}

test_module_role_whose_tracing_policy_is_unneeded_names_the_input if {
	f0 := h.fn([], {})
	fn := object.union(f0, {"analysis": object.union(f0.analysis, {"unneededCapabilities": [{"purpose": "tracing", "actions": ["xray:PutTraceSegments"], "statements": []}]})})
	some f in tracing_permissions.findings with input as {"functions": [fn], "roles": [h.module_role(["tracing"])]}
	f.message == "Function api does not use Active tracing but its execution role allows xray:PutTraceSegments. Its role is made by the terraform-aws-modules/lambda call module.api: set attach_tracing_policy = false there (its default)"
}

# A template's or plan's function is named as the user's code names it (displayName), in both findings.
test_iac_function_is_named_as_written if {
	some f in tracing_permissions.findings with input as {"functions": [h.fn(xray("implicit-deny"), {"displayName": "ApiFunction"})]}
	startswith(f.message, "Function ApiFunction has Active tracing but")
	f0 := h.fn([], {"displayName": "ApiFunction"})
	fn := object.union(f0, {"analysis": object.union(f0.analysis, {"unneededCapabilities": [{"purpose": "tracing", "actions": ["xray:PutTraceSegments"], "statements": []}]})})
	some g in tracing_permissions.findings with input as {"functions": [fn]}
	startswith(g.message, "Function ApiFunction does not use Active tracing but")
}
