/**
 * Actions whose grant matters on its own, whatever else a principal has: the privilege-escalation
 * paths catalogued by Rhino Security Labs ("AWS IAM Privilege Escalation – Methods and Mitigation")
 * and Bishop Fox's iam-vulnerable, plus credential and data-exfiltration primitives. RoleFacts lists
 * each one that is allowed, with its resources, so Rego rules never depend on a truncated action list.
 */
export const SENSITIVE_ACTIONS: readonly string[] = [
  // IAM: change one's own or another principal's permissions
  "iam:AddUserToGroup",
  "iam:AttachGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:AttachUserPolicy",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:CreatePolicyVersion",
  "iam:CreateRole",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:PassRole",
  "iam:PutGroupPolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:PutUserPermissionsBoundary",
  "iam:PutUserPolicy",
  "iam:SetDefaultPolicyVersion",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateLoginProfile",
  "sts:AssumeRole",
  // Compute that runs with a passed role (PassRole escalation targets)
  "lambda:AddPermission",
  "lambda:CreateEventSourceMapping",
  "lambda:CreateFunction",
  "lambda:InvokeFunction",
  "lambda:UpdateFunctionCode",
  "lambda:UpdateFunctionConfiguration",
  "ec2:RunInstances",
  "ecs:RunTask",
  "glue:CreateDevEndpoint",
  "glue:UpdateDevEndpoint",
  "cloudformation:CreateStack",
  "cloudformation:UpdateStack",
  "datapipeline:CreatePipeline",
  "datapipeline:PutPipelineDefinition",
  "sagemaker:CreateNotebookInstance",
  "sagemaker:CreatePresignedNotebookInstanceUrl",
  "codebuild:CreateProject",
  "codebuild:StartBuild",
  "ssm:SendCommand",
  "ssm:StartSession",
  // Secrets, keys and data
  "kms:Decrypt",
  "secretsmanager:GetSecretValue",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "s3:GetObject",
  "s3:PutBucketPolicy",
  "dynamodb:Scan",
];
