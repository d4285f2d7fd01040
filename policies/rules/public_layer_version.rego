# METADATA
# title: Layer version any account, or an account outside the inputs, may get
# description: |
#   A Lambda layer version's resource-based policy (AddLayerVersionPermission) lets other accounts
#   call lambda:GetLayerVersion on it, which returns a link to download its code: the code, and
#   whatever configuration or secrets it holds, runs inside every function that uses it, with the
#   function's execution role. Principal `*` without an `aws:PrincipalOrgID` (or account)
#   condition lets every AWS account get it (high: "make sure that you really do want all AWS
#   accounts to have usage permission to this layer", AddLayerVersionPermission's reference says).
#   A named account is a deliberate share: medium when it is not among the inputs' accounts (an
#   account nobody here audits can read the code), low when it is (an account of the same audit).
#   A grant to the layer's own account or to an organisation is not reported. The finding names
#   the layer, the version, the statement (index and Sid) and the functions of the inputs that use
#   the version. Besides (info, on the function): a function running a layer version of an account
#   that is neither its own nor among the inputs' (the layer ARN's account): that code runs with
#   the function's execution role.
# related_resources:
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html
#     description: Granting layer access to other accounts
#   - ref: https://docs.aws.amazon.com/lambda/latest/api/API_AddLayerVersionPermission.html
#     description: AddLayerVersionPermission
# custom:
#   id: LR022
#   name: public-layer-version
#   severity: high
#   category: exposure
#   remediation: |
#     Remove the statement (`aws lambda remove-layer-version-permission --layer-name <name>
#     --version-number <version> --statement-id <Sid>`), then grant only what is meant: your
#     organisation (`add-layer-version-permission --principal '*' --organization-id o-…`) or named
#     accounts. Keep secrets out of layers (read them from Secrets Manager or Parameter Store at
#     run time).
package leastrole.rules.public_layer_version

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings contains finding if {
	some layer in object.get(input, "layerVersions", [])
	some g in object.get(object.get(layer, "analysis", {}), "policyGrants", [])
	st := layer.policy.Statement[g.index]

	# The principals a Deny of the policy leaves (the statement's own when none takes any back).
	principal := object.get(g, "principal", object.get(st, "Principal", null))
	some issue in issues(principal, layer, g)
	finding := {
		"resource": {"type": "layer", "arn": layer.arn, "name": text.format("%s:%s", [layer.name, layer.version])},
		"detail": text.format("statement:%s:%s", [statement_key(st, g.index), issue.kind]),
		"severity": issue.severity,
		"message": text.format("Layer %s version %s: policy Statement[%s]%s %s; %s", [layer.name, layer.version, g.index, sid_note(st), issue.message, users(layer)]),
		"evidence": {
			"layerVersionArn": layer.arn,
			"layer": layer.name,
			"version": layer.version,
			"statementIndex": g.index,
			"sid": object.get(st, "Sid", null),
			"principal": principal,
			"conditionKeys": condition_keys(st),
			"functions": layer.functions,
		},
	}
}

# A function that runs a layer version of another account, one the inputs do not hold (info): the
# publisher's code runs inside the function with its execution role, and what that code does is
# not in the audit. Quiet for the function's own account's layers and those of the inputs'
# accounts, and when the function's account is not known. No list of vendors' accounts: an AWS-published layer is another account's too.
findings contains finding if {
	some fn in input.functions
	some arn in object.get(fn, "layers", [])
	m := regex.find_all_string_submatch_n(`^arn:[^:]+:lambda:[^:]+:(\d{12}):layer:([A-Za-z0-9_-]+):([^:]+)$`, arn, 1)
	count(m) == 1
	account := m[0][1]

	# A template read without --account-id has no account of its own (`unknown`): a layer of the
	# template's own account, written as a literal ARN, cannot be told apart, so nothing is said.
	regex.match(`^\d{12}$`, fn.accountId)
	account != fn.accountId
	not account in input_accounts
	finding := {
		"resource": {"type": "function", "arn": fn.arn, "name": fn.name},
		"detail": text.format("layer-of-account:%s", [substring(arn, 0, (count(arn) - count(m[0][3])) - 1)]),
		"severity": "info",
		"message": text.format("Function %s runs layer %s version %s of account %s, which is not among the inputs' accounts: that account's code runs inside the function with its execution role", [analysis.display_name(fn), m[0][2], m[0][3], account]),
		"evidence": {"layerVersionArn": arn, "layer": m[0][2], "version": m[0][3], "publisherAccount": account, "roleArn": fn.roleArn},
	}
}

# The Sid identifies a statement in its policy (RemoveLayerVersionPermission takes it); without
# one, the index.
statement_key(st, index) := text.format("sid:%s", [st.Sid]) if {
	is_string(st.Sid)
	st.Sid != ""
} else := text.format("index:%s", [index])

# An else chain: OPA evaluates a function's arguments outside `not`.
sid_note(st) := text.format(" (%s)", [st.Sid]) if {
	is_string(st.Sid)
} else := ""

condition_keys(st) := sort({lower(k) | some _, block in object.get(st, "Condition", {}); some k, _ in block})

# Which functions of the inputs run the version (with its code, and their execution roles).
users(layer) := "no function of the inputs uses it" if {
	count(layer.functions) == 0
} else := text.format("used by %s of the inputs: %s", [plural(count(layer.functions)), concat(", ", user_names(layer))])

# The functions' names in the order of the names shown (then ARN) when a template's or plan's are
# among them: a list of logical IDs or addresses in the order of the names in AWS does not look
# sorted. Otherwise (an account export's) in the order of `layer.functions`, as before. The
# evidence keeps `layer.functions`.
user_names(layer) := [pair[0] | some pair in sort([[user_name(layer, arn), arn] | some arn in layer.functions])] if {
	object.get(layer, ["analysis", "functionDisplayNames"], null) != null
} else := [function_name(arn) | some arn in layer.functions]

# A function of a template or plan as its code names it (the analysis gives its display name: the
# functions may be in another slice of the rules' input than the layer version), else its name.
user_name(layer, arn) := object.get(layer, ["analysis", "functionDisplayNames", arn], function_name(arn))

plural(n) := "1 function" if n == 1

plural(n) := text.format("%s functions", [n]) if n != 1

function_name(arn) := substring(arn, i + 10, -1) if {
	i := indexof(arn, ":function:")
	i >= 0
} else := arn

wildcard_principal(p) if p == "*"

wildcard_principal(p) if "*" in principal_ids(p, "AWS")

principal_ids(p, type) := object.get(p, type, []) if is_object(p)

principal_ids(p, _) := [] if not is_object(p)

# The accounts the inputs hold: the audit looks at them too.
input_accounts := {a.accountId | some a in object.get(input, "accounts", [])}

account_issue(account) := {"kind": text.format("account:%s", [account]), "severity": "low", "message": text.format("lets account %s, an account of the inputs, get the version and download its code", [account])} if {
	account in input_accounts
} else := {"kind": text.format("account:%s", [account]), "severity": "medium", "message": text.format("lets account %s, which is not among the inputs' accounts, get the version and download its code", [account])}

# `*` with no organisation or account condition: every AWS account. `*` pinned by a condition to
# other accounts (aws:PrincipalAccount, aws:SourceAccount): those. An account principal other
# than the layer's own: that one. An organisation (aws:PrincipalOrgID) pins without naming other
# accounts (g.otherAccounts empty): not reported.
issues(p, layer, g) := ({issue |
	wildcard_principal(p)
	not g.pinned
	issue := {"kind": "public", "severity": "high", "message": "lets every AWS account get the version and download its code (Principal \"*\" without an aws:PrincipalOrgID or account condition)"}
} | {issue |
	wildcard_principal(p)
	some account in g.otherAccounts
	issue := account_issue(account)
}) | {issue |
	some id in principal_ids(p, "AWS")
	id != "*"
	account := account_of(id)
	account != layer.accountId
	issue := account_issue(account)
}

account_of(id) := id if regex.match(`^\d{12}$`, id)

account_of(id) := m[0][1] if {
	m := regex.find_all_string_submatch_n(`^arn:[^:]*:iam::(\d{12}):`, id, 1)
	count(m) == 1
}
