# METADATA
# title: Execution role attached to no function
# description: |
#   A role that trusts Lambda is the execution role of no function in the inputs. Leftover roles
#   keep their permissions, can be passed to a new function by anyone with iam:PassRole, and are
#   rarely reviewed. IAM is global and Lambda regional, so the rule looks at which regions' function
#   lists the inputs hold (accounts[].functionCoverage). When every region of the account was read
#   (`collect --regions all`, every ListFunctions succeeded): severity low; medium when the role can
#   write outside its own logs and traces, or manage permissions; high when it has a
#   privilege-escalation path. When only some regions were read, a function in another may use the
#   role: reported at low severity, saying so, and not at all when the role was last used in a
#   region that was not read (IAM's RoleLastUsed). Silent for an account whose function lists are
#   not in the inputs. In templates (placeholder account IDs, or an account given with
#   --account-id whose roles and functions all come from templates and plans), reported when the
#   inputs define functions of the same account; low, saying so, when one of them has an execution
#   role the inputs cannot name (a plan's value known only after apply whose reference could not
#   be followed), which may be this one. A role that Lambda runs something else with is in use and not
#   reported: a Lambda Managed Instances capacity provider's or a network connector's operator
#   role, a MicroVM image's build role, a web function's execution role (`lambdaServiceUses`, from
#   templates, plans and `list-capacity-providers`). When an alias routes calls to a version whose
#   configuration the inputs do not hold, that version may run with the role: low, saying so.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html
#     description: Deleting roles or instance profiles
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
#     description: Role last used information
# custom:
#   id: LR016
#   name: orphaned-execution-role
#   severity: low
#   category: hygiene
#   # True: a finding is decided by the functions the inputs list (none uses the role), so `diff`
#   # does not call it fixed against inputs that list none of the account's (docs/iac.md).
#   needs_functions: true
#   remediation: |
#     Check that no function in any region uses the role (its last-used date and region; `collect
#     --regions all`), then delete it, or remove its permissions.
package leastrole.rules.orphaned_execution_role

import data.leastrole.lib.analysis
import data.leastrole.lib.text

# Accounts of the inputs' functions: in templates (whose account IDs are placeholders, with no
# entry in `accounts`) "no function uses it" means "none of the template's functions".
accounts_with_functions := {fn.accountId | some fn in input.functions}

# Lookups as complete rules: computed once per evaluation, not per role.
coverage_by_account := {a.accountId: a.functionCoverage | some a in input.accounts; a.functionCoverage}

known_accounts := {a.accountId | some a in input.accounts}

coverage(role) := coverage_by_account[role.accountId]

account_known(role) if role.accountId in known_accounts

# Every region of the account was read, and no function in any uses the role.
judgement(role) := {
	"severity": severity(role),
	"what": "no function in any region of the account uses it",
	"regions": c.regions,
	"allRegions": true,
} if {
	c := coverage(role)
	c.complete
	not capacity_providers_unread(c)
}

# No function uses it, but a region's capacity providers could not be listed: the role may be the
# operator role of one (it trusts Lambda, and no function names it). Low, and said.
judgement(role) := {
	"severity": "low",
	"what": text.format("no function in any region of the account uses it%s", [capacity_providers_clause(c)]),
	"regions": c.regions,
	"allRegions": true,
} if {
	c := coverage(role)
	c.complete
	capacity_providers_unread(c)
}

# What was not read, and what to do about it: a region asked for whose function list failed is
# fixed by granting the call and resuming, not by `--regions all` (which may be what was run).
not_read_clause(c) := text.format("the function list of %s could not be read (lambda:ListFunctions failed: see the collection's reasons; fix it and collect --resume), and a function there may use it", [concat(", ", c.listsFailed)]) if {
	count(object.get(c, "listsFailed", [])) > 0
	c.allRegionsAsked
} else := text.format("the function list of %s could not be read (lambda:ListFunctions failed: see the collection's reasons; fix it and collect --resume) and %s: a function there may use it", [concat(", ", c.listsFailed), other_regions_clause(c)]) if {
	count(object.get(c, "listsFailed", [])) > 0
} else := "the function lists of the account's other regions are not among the inputs (give the whole collection folder), and a function there may use it" if {
	c.allRegionsAsked
} else := text.format("%s, and a function there may use it", [other_regions_clause(c)])

# Why the other regions were not read: nobody asked (the remedy is `--regions all`), or
# `--regions all` ran but could not learn which regions are enabled and read only its home region
# (the remedy is account:ListRegions: `--regions all` is what ran).
other_regions_clause(c) := "the account's enabled regions could not be listed (account:ListRegions failed: grant it and collect --resume, or name the regions with --regions), so its other regions were not read" if {
	c.enabledRegionsUnknown
} else := "the account's other regions were not read (collect --regions all)"

capacity_providers_unread(c) if count(object.get(c, "capacityProvidersUnread", [])) > 0

capacity_providers_clause(c) := text.format(", but the capacity providers of %s could not be listed (lambda:ListCapacityProviders failed: see the collection's reasons; fix it and collect --resume), and it may be the operator role of one", [concat(", ", c.capacityProvidersUnread)]) if {
	capacity_providers_unread(c)
} else := ""

# Some regions were read: a function in another may use the role. Low whatever it grants, and
# silent when IAM saw the role used in a region that was not read (a function there, most likely).
judgement(role) := {
	"severity": "low",
	"what": text.format("no function in the regions read (%s) uses it; %s%s", [concat(", ", c.regions), not_read_clause(c), capacity_providers_clause(c)]),
	"regions": c.regions,
	"allRegions": false,
} if {
	c := coverage(role)
	not c.complete
	count(c.regions) > 0
	not used_where_not_read(role, c)
}

judgement(role) := {
	"severity": severity(role),
	"what": "no function in the inputs uses it",
	"regions": [],
	"allRegions": false,
} if {
	defined_by_templates(role)
	role.accountId in accounts_with_functions
	not unnamed_execution_role(role.accountId)
}

# A function's execution role is known only after apply and its reference could not be followed:
# it may be this one. Low, saying so, as for unread regions.
judgement(role) := {
	"severity": "low",
	"what": "no function in the inputs names it as its execution role, though the execution role of a function in them is known only after apply and may be it (give the configuration's folder with --tf-config, or the plan's configuration section, to follow the reference)",
	"regions": [],
	"allRegions": false,
} if {
	defined_by_templates(role)
	role.accountId in accounts_with_functions
	unnamed_execution_role(role.accountId)
}

# A function of the inputs whose execution role they cannot name: a plan's value known only after
# apply whose reference could not be followed leaves a placeholder (`${aws_lambda_function.main.role}`,
# warned by the plan's reader as terraform-unknown-role), which is no role of the inputs. That function may run with any role
# of its account, so "no function uses it" is not known there. (rules-slices.ts puts such a function
# in the slice of its account's roles that no function names.)
role_arns := {r.arn | some r in input.roles}

unnamed_execution_role(account) if {
	some fn in input.functions
	fn.accountId == account
	contains(fn.roleArn, "${")
	not fn.roleArn in role_arns
}

# The account's functions are the ones the inputs' templates and plans define: a placeholder
# account, or a real one (--account-id) whose roles and functions all come from them.
defined_by_templates(role) if not account_known(role)

defined_by_templates(role) if coverage(role).definedByIac

# An alias routes calls to a version whose configuration the inputs do not hold
# (`functionCoverage.versionsUnread`, warned as alias-version-not-in-inputs): that version may run
# with the role, so "no function uses it" is not known. Low, saying so, as for unread regions.
held_back(role, j) := object.union(j, {
	"severity": "low",
	"what": text.format("%s, but %s %s, which the inputs do not hold, and %s run with this role (give the functions' versions: aws lambda list-versions-by-function)", [j.what, routes_phrase(unread), concat(", ", unread), may_phrase(unread)]),
}) if {
	unread := object.get(coverage(role), "versionsUnread", [])
	count(unread) > 0
} else := j

routes_phrase(unread) := "an alias routes calls to" if count(unread) == 1

routes_phrase(unread) := "aliases route calls to" if count(unread) > 1

may_phrase(unread) := "it may" if count(unread) == 1

may_phrase(unread) := "any of them may" if count(unread) > 1

# A capacity provider, network connector, MicroVM image or web function runs with the role:
# deleting it would break them, however many functions use it.
lambda_runs_other_resources(role) if count(role.lambdaServiceUses) > 0

used_where_not_read(role, c) if {
	is_string(role.lastUsed.region)
	not role.lastUsed.region in c.regions
}

findings := [finding |
	some role in input.roles
	role.trustsLambda
	count(role.functions) == 0
	not lambda_runs_other_resources(role)
	j := held_back(role, judgement(role))
	s := role.analysis.summary
	finding := {
		"resource": analysis.role_resource(role),
		"severity": j.severity,
		"message": text.format("Role %s trusts Lambda but %s; it grants %s%s across %s%s%s", [
			analysis.display_name(role), j.what, at_least(role), analysis.counted(s.actionCount, "action"), analysis.counted(service_count(role, s), "service"), last_used(role), not_all_read(role),
		]),
		"evidence": {
			"services": s.services,
			"actionCount": s.actionCount,
			"writeActionCount": s.writeActionCount,
			"writeServices": s.writeServices,
			"permissionsManagementActionCount": s.permissionsManagementActionCount,
			"escalationPaths": [p.id | some p in role.analysis.escalationPaths],
			"lastUsed": role.lastUsed,
			"functionRegionsRead": j.regions,
			"allRegionsRead": j.allRegions,
		},
	}
]

# Writing its own logs and traces is what every execution role does; writes anywhere else, or
# permissions management, make a leftover role worth more to an attacker.
routine_write_services := {"logs", "xray"}

significant(role) if role.analysis.summary.permissionsManagementActionCount > 0

significant(role) if {
	some s in role.analysis.summary.writeServices
	not s in routine_write_services
}

severity(role) := "high" if {
	count(role.analysis.escalationPaths) > 0
} else := "medium" if {
	significant(role)
} else := "low"

# Some of the role's policies are not in the inputs (a managed policy not exported, a plan's policy
# known only after apply: facts.incomplete): what it grants is a lower bound, not "0 actions".
at_least(role) := "at least " if {
	role.facts.incomplete == true
} else := ""

not_all_read(role) := "; some of its policies are not in the inputs" if {
	role.facts.incomplete == true
} else := ""

# An else chain, not two rules with `not`: `lastUsed` may be null, and a reference through null
# must fall through to the default rather than leave the message undefined.
last_used(role) := text.format(" (last used %s in %s)", [role.lastUsed.date, role.lastUsed.region]) if {
	is_string(role.lastUsed.date)
	is_string(role.lastUsed.region)
} else := text.format(" (last used %s)", [role.lastUsed.date]) if {
	is_string(role.lastUsed.date)
} else := " (never used, or last use not recorded)"

# The number of services the role reaches: the facts' uncapped count (the summary's list is capped).
service_count(role, _) := role.facts.serviceCount

service_count(role, s) := count(s.services) if not role.facts.serviceCount
