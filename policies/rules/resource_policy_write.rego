# METADATA
# title: Execution role can change who may access a resource
# description: |
#   The execution role allows an action that writes a resource-based policy, an ACL or a sharing
#   attribute of one of the resource types IAM Access Analyzer checks for public and cross-account
#   access: s3:PutBucketPolicy, s3:PutBucketAcl, s3:PutObjectAcl, s3:PutObjectVersionAcl,
#   s3:PutAccessPointPolicy, s3:PutBucketPublicAccessBlock, s3express:PutBucketPolicy,
#   kms:PutKeyPolicy, kms:CreateGrant, lambda:AddPermission, lambda:AddLayerVersionPermission,
#   sqs:AddPermission, sqs:SetQueueAttributes, sns:AddPermission, sns:SetTopicAttributes,
#   secretsmanager:PutResourcePolicy, elasticfilesystem:PutFileSystemPolicy, ecr:SetRepositoryPolicy,
#   ec2:ModifySnapshotAttribute, rds:ModifyDBSnapshotAttribute, rds:ModifyDBClusterSnapshotAttribute
#   or dynamodb:PutResourcePolicy. Code running in the function, or anyone who gets its
#   credentials, can then make the bucket, key, queue, topic, secret, snapshot or table public or
#   share it with another account, access that no identity policy of the account governs (only
#   the resource's own policy, S3 Block Public Access and an organization's resource control
#   policies do).
#   Role trust policies (iam:UpdateAssumeRolePolicy) are LR014's. Scoped grants count too: a grant
#   on one named bucket still lets the function publish that bucket; for S3 a statement counts only
#   for the writes its resources can name (a bucket policy needs the bucket's ARN, an object ACL an
#   object's, an access point policy an access point's). Decided from the role's allowed
#   actions after Deny, permissions boundary and NotAction. Severity high when an action is granted
#   on every resource of its type (`*`, `arn:aws:s3:::*`, `…:queue/*`); medium when only on named or
#   prefixed resources; low when every grant has a condition; ACL writes one step lower (S3 disables
#   ACLs on new buckets by default). One finding per role, at its most severe grant.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html
#     description: IAM Access Analyzer, resource types supported for external access
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html
#     description: Identity-based policies and resource-based policies
#   - ref: https://github.com/salesforce/cloudsplaining/blob/master/docs/glossary/resource-exposure.md
#     description: Cloudsplaining, resource exposure
# custom:
#   id: LR020
#   name: resource-policy-write
#   severity: high
#   category: least-privilege
#   remediation: |
#     Remove the policy-writing actions from the execution role: a function rarely needs to change who
#     may access a resource at run time, and resource policies belong in the template that creates
#     the resource. When the function's job is to manage such policies (an automation or custom
#     resource function), grant the action on the resources it manages only, with a condition where
#     the service has one (kms:GrantIsForAWSResource for kms:CreateGrant), and suppress the finding
#     with that reason.
package leastrole.rules.resource_policy_write

import data.leastrole.lib.analysis
import data.leastrole.lib.text

# Each action, and the resource type (as IAM Access Analyzer names it) whose access it changes.
# Every action here is in the engine's SENSITIVE_ACTIONS (src/iam/sensitive-actions.ts), so the
# facts list it whenever it is allowed (test/rules/resource-policy-write.test.ts checks both lists).
policy_writes := {
	"s3:PutBucketPolicy": "S3 bucket",
	"s3:PutBucketAcl": "S3 bucket",
	"s3:PutObjectAcl": "S3 object",
	"s3:PutObjectVersionAcl": "S3 object",
	"s3:PutAccessPointPolicy": "S3 access point",
	"s3:PutBucketPublicAccessBlock": "S3 bucket",
	"s3express:PutBucketPolicy": "S3 directory bucket",
	"kms:PutKeyPolicy": "KMS key",
	"kms:CreateGrant": "KMS key",
	"lambda:AddPermission": "Lambda function",
	"lambda:AddLayerVersionPermission": "Lambda layer",
	"sqs:AddPermission": "SQS queue",
	"sqs:SetQueueAttributes": "SQS queue",
	"sns:AddPermission": "SNS topic",
	"sns:SetTopicAttributes": "SNS topic",
	"secretsmanager:PutResourcePolicy": "Secrets Manager secret",
	"elasticfilesystem:PutFileSystemPolicy": "EFS file system",
	"ecr:SetRepositoryPolicy": "ECR repository",
	"ec2:ModifySnapshotAttribute": "EBS snapshot",
	"rds:ModifyDBSnapshotAttribute": "RDS snapshot",
	"rds:ModifyDBClusterSnapshotAttribute": "RDS cluster snapshot",
	"dynamodb:PutResourcePolicy": "DynamoDB table or stream",
}

findings := [finding |
	some role in analysis.execution_roles
	grants := writes(role)
	count(grants) > 0
	finding := {
		"resource": analysis.role_resource(role),
		"severity": analysis.max_severity({g.severity | some g in grants}),
		"message": text.format("Role %s can change who may access resources: %s", [analysis.display_name(role), concat(", ", [describe(g) | some g in grants])]),
		"evidence": {
			"actions": [{
				"action": g.action,
				"resourceType": policy_writes[g.action],
				"resources": g.resources,
				"everyResource": g.broad,
				"conditional": g.conditional,
				"grantedBy": g.grantedBy,
			} |
				some g in grants
			],
			"conditional": analysis.all_conditional(grants),
		},
	}
]

# The role's allowed policy writes, sorted by action (as the facts list them), except those
# granted only through AWS managed policies that LR004 reports as full or admin access
# (AmazonS3FullAccess, AdministratorAccess…): that finding already says the policy must go.
writes(role) := [decided(object.union(g, {"resources": resources, "conditional": all_conditional(g, resources)})) |
	some g in role.facts.sensitiveActions
	policy_writes[g.action]
	not only_full_access(role, g)
	resources := [r | some r in g.resources; can_name(g.action, r)]
	count(resources) > 0
]

# A narrowed grant with what the finding reads of it decided once: whether one of its resource
# patterns names every resource of its type (`broad`), and its severity. Why: the severity, the
# message and the evidence each decided broad() again, splitting every resource pattern each time
# (this rule was a fifth of the rule pack's cost at 1,000 functions, bench/rules-cost.ts).
decided(g) := object.union(g, {"broad": is_broad(g), "severity": grant_severity(g)})

# Whether only conditional statements grant the action on these (narrowed) resources: the facts'
# `conditional` is for all of the action's resources, some of which may have been left out.
all_conditional(g, resources) if {
	every r in resources {
		analysis.conditional_on(g, r)
	}
}

all_conditional(g, resources) := false if {
	some r in resources
	not analysis.conditional_on(g, r)
}

# The facts give the resource patterns of the statements that grant an action, whatever resource
# type the action takes. For S3, the commonest case, a pattern that cannot name the action's
# resource is left out: a bucket's ARN has no `/` after `arn:aws:s3:::` (bucket names cannot hold
# one), an object's always has one, and an access point's names a region and an account; so `s3:*`
# on `arn:aws:s3:::orders/*` grants the object ACL writes but not s3:PutBucketPolicy, and on
# `arn:aws:s3:::orders` the reverse.
bucket_writes := {"s3:PutBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPublicAccessBlock"}

object_writes := {"s3:PutObjectAcl", "s3:PutObjectVersionAcl"}

can_name(action, r) if not action in ((bucket_writes | object_writes) | {"s3:PutAccessPointPolicy", "dynamodb:PutResourcePolicy"})

# A table's or stream's ARN never holds `/index/` (table names cannot hold a `/`): a grant on the
# indexes (`table/orders/index/*`, as read policies often add) writes no table's policy.
can_name("dynamodb:PutResourcePolicy", r) if not contains(r, "/index/")

# An access point's ARN names its region and account (`arn:aws:s3:us-east-1:123456789012:accesspoint/…`).
can_name("s3:PutAccessPointPolicy", r) if not bucket_style(r)

can_name(action, r) if {
	action in bucket_writes
	not names_an_object(r)
}

can_name(action, r) if {
	action in object_writes
	not literal_bucket(r)
}

# What follows `arn:<partition>:s3:::` in an S3 ARN pattern (undefined for `*` and other services,
# which can_name then keeps).
s3_name(r) := concat(":", array.slice(parts, 5, count(parts))) if {
	parts := split(r, ":")
	count(parts) >= 6
	parts[2] == "s3"
}

bucket_style(r) if {
	parts := split(r, ":")
	count(parts) >= 6
	analysis.s3_bucket_style(parts)
}

# An S3 ARN pattern with a `/` after the bucket: it matches objects (or nothing), never a bucket.
names_an_object(r) if contains(s3_name(r), "/")

# One named bucket, no wildcard that could reach into it.
literal_bucket(r) if {
	name := s3_name(r)
	not contains(name, "/")
	not contains(name, "*")
	not contains(name, "?")
}

only_full_access(role, g) if {
	every p in g.grantedBy {
		some f in role.analysis.fullAccessPolicies
		f.arn == p
	}
}

# Some resource pattern of the grant names every resource of its type.
broad(g) if {
	some r in g.resources
	analysis.every_resource(r)
}

# ... and is granted without a condition: `*` under a condition beside one named bucket without is
# the named bucket's severity.
broad_unconditional(g) if {
	some r in g.resources
	analysis.every_resource(r)
	not analysis.conditional_on(g, r)
}

is_broad(g) if broad(g)

is_broad(g) := false if not broad(g)

# ACL writes one step lower: S3 disables ACLs on buckets whose Object Ownership is "bucket owner
# enforced", the default for new buckets since April 2023, and the inputs do not describe buckets.
acl_writes := {"s3:PutBucketAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"}

grant_severity(g) := analysis.lower_severity(base_severity(g)) if g.action in acl_writes

grant_severity(g) := base_severity(g) if not g.action in acl_writes

base_severity(g) := "low" if g.conditional

base_severity(g) := "high" if {
	not g.conditional
	broad_unconditional(g)
}

base_severity(g) := "medium" if {
	not g.conditional
	not broad_unconditional(g)
}

# `s3:PutBucketPolicy (S3 bucket, every resource)`, `sqs:SetQueueAttributes (SQS queue, 2 resources, with a condition)`.
describe(g) := text.format("%s (%s, %s%s)", [g.action, policy_writes[g.action], scope(g), condition_note(g)])

scope(g) := "every resource" if g.broad

scope(g) := "1 resource" if {
	not g.broad
	count(g.resources) == 1
}

scope(g) := text.format("%s resources", [count(g.resources)]) if {
	not g.broad
	count(g.resources) != 1
}

condition_note(g) := ", with a condition" if g.conditional

condition_note(g) := "" if not g.conditional
