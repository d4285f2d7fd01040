# METADATA
# title: Execution role attached to no function
# description: |
#   A role that trusts Lambda is the execution role of no function in the inputs. Leftover roles
#   keep their permissions, can be passed to a new function by anyone with iam:PassRole, and are
#   rarely reviewed. Reported only when the inputs include functions of the role's account (so the
#   role is not merely outside the exported region or account). Severity low; medium when the
#   role can write outside its own logs and traces, or manage permissions; high when it has a
#   privilege-escalation path.
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
#   remediation: |
#     Delete the role if nothing uses it (check its last-used date), or remove its permissions.
package leastrole.rules.orphaned_execution_role

import data.leastrole.lib.analysis

# Accounts for which the inputs list functions: only there is "no function uses it" meaningful.
accounts_with_functions := {fn.accountId | some fn in input.functions}

findings := [finding |
	some role in input.roles
	role.trustsLambda
	count(role.functions) == 0
	role.accountId in accounts_with_functions
	s := role.analysis.summary
	finding := {
		"resource": analysis.role_resource(role),
		"severity": severity(role),
		"message": sprintf("Role %s trusts Lambda but no function in the inputs uses it; it grants %d actions across %d services%s", [
			role.name, s.actionCount, service_count(role, s), last_used(role),
		]),
		"evidence": {
			"services": s.services,
			"actionCount": s.actionCount,
			"writeActionCount": s.writeActionCount,
			"writeServices": s.writeServices,
			"permissionsManagementActionCount": s.permissionsManagementActionCount,
			"escalationPaths": [p.id | some p in role.analysis.escalationPaths],
			"lastUsed": role.lastUsed,
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

# An else chain, not two rules with `not`: `lastUsed` may be null, and a reference through null
# must fall through to the default rather than leave the message undefined.
last_used(role) := sprintf(" (last used %s)", [role.lastUsed.date]) if {
	is_string(role.lastUsed.date)
} else := " (never used, or last use not recorded)"

# The number of services the role reaches: the facts' uncapped count (the summary's list is capped).
service_count(role, _) := role.facts.serviceCount

service_count(role, s) := count(s.services) if not role.facts.serviceCount
