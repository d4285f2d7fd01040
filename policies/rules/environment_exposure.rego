# METADATA
# title: Principals can read the function's environment variables
# description: |
#   Principals in the inputs (roles and IAM users other than the function's own execution role)
#   can call lambda:GetFunctionConfiguration or lambda:GetFunction on a function that has
#   environment variables, directly or through wildcards (`lambda:Get*`, `lambda:*`, `*`, NotAction).
#   Both calls return the variables in clear text, and variables often carry secrets, tokens and
#   connection strings. Decided by the IAM engine per principal and function (identity policies,
#   boundary, denies, the function's resource policy). Severity medium; low when every reader can
#   do so only under conditions the inputs do not settle.
# related_resources:
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-encryption
#     description: Securing Lambda environment variables
#   - ref: https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
#     description: Use Secrets Manager secrets in Lambda functions
# custom:
#   id: LR013
#   name: environment-exposure
#   severity: medium
#   category: exposure
#   remediation: |
#     Move secrets out of environment variables into Secrets Manager or Parameter Store (read at
#     run time by the execution role only), and narrow lambda:GetFunction* grants to the functions
#     and people that need them.
package leastrole.rules.environment_exposure

import data.leastrole.lib.analysis
import data.leastrole.lib.text

findings := [finding |
	some fn in input.functions
	count(fn.environmentVariableNames) > 0
	fn.analysis.readerCount > 0
	readers := fn.analysis.configurationReaders
	names := sort([object.get(r, "displayName", r.principalArn) | some r in readers])
	finding := {
		"resource": analysis.function_resource(fn),
		"severity": severity(readers),
		"message": text.format("Function %s has %s readable by %s: %s%s", [
			analysis.display_name(fn), analysis.counted(count(fn.environmentVariableNames), "environment variable"), analysis.counted(fn.analysis.readerCount, "principal"),
			concat(", ", array.slice(names, 0, 5)), analysis.more(fn.analysis.readerCount, 5),
		]),
		"evidence": {
			"environmentVariableNames": fn.environmentVariableNames,
			"readers": readers_evidence(fn),
			"readerCount": fn.analysis.readerCount,
			"readersTruncated": fn.analysis.readersTruncated,
		},
	}
]

# The readers for the evidence, as the analysis gives them. The built-in view gives this rule only
# what it reads of each reader and holds the readers back (src/evaluate/held-lists.ts): the rule
# writes the view's token, and the evaluator puts the readers in its place.
readers_evidence(fn) := {"$held": fn.analysis.configurationReadersHeld} if {
	is_string(fn.analysis.configurationReadersHeld)
} else := fn.analysis.configurationReaders

severity(readers) := "medium" if {
	some r in readers
	r.decision == "allowed"
}

severity(readers) := "low" if {
	every r in readers {
		r.decision == "conditional"
	}
}
