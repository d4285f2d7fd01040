/**
 * The only module that imports AWS SDK command classes. `callAws` builds commands from this
 * registry after checking the allow-list, so an operation can be called only if it is both here
 * and in operations.ts; a test holds the two equal and scans src/collect for any other
 * `…Command` import or `.send(` call.
 */

import {
  ListAnalyzersCommand,
  ListFindingsV2Command,
  GetFindingV2Command,
  type ListAnalyzersCommandInput,
  type ListAnalyzersCommandOutput,
  type ListFindingsV2CommandInput,
  type ListFindingsV2CommandOutput,
  type GetFindingV2CommandInput,
  type GetFindingV2CommandOutput,
} from "@aws-sdk/client-accessanalyzer";
import { ListRegionsCommand, type ListRegionsCommandInput, type ListRegionsCommandOutput } from "@aws-sdk/client-account";
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand as AthenaGetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryExecutionCommandInput,
  type GetQueryExecutionCommandOutput,
  type GetQueryResultsCommandInput as AthenaGetQueryResultsCommandInput,
  type GetQueryResultsCommandOutput as AthenaGetQueryResultsCommandOutput,
  type StartQueryExecutionCommandInput,
  type StartQueryExecutionCommandOutput,
  type StopQueryExecutionCommandInput,
  type StopQueryExecutionCommandOutput,
} from "@aws-sdk/client-athena";
import {
  CancelQueryCommand,
  DescribeQueryCommand,
  DescribeTrailsCommand,
  GetEventDataStoreCommand,
  GetEventSelectorsCommand,
  GetQueryResultsCommand as LakeGetQueryResultsCommand,
  LookupEventsCommand,
  StartQueryCommand,
  type CancelQueryCommandInput,
  type CancelQueryCommandOutput,
  type DescribeQueryCommandInput,
  type DescribeQueryCommandOutput,
  type DescribeTrailsCommandInput,
  type DescribeTrailsCommandOutput,
  type GetEventDataStoreCommandInput,
  type GetEventDataStoreCommandOutput,
  type GetEventSelectorsCommandInput,
  type GetEventSelectorsCommandOutput,
  type GetQueryResultsCommandInput as LakeGetQueryResultsCommandInput,
  type GetQueryResultsCommandOutput as LakeGetQueryResultsCommandOutput,
  type LookupEventsCommandInput,
  type LookupEventsCommandOutput,
  type StartQueryCommandInput,
  type StartQueryCommandOutput,
} from "@aws-sdk/client-cloudtrail";
import {
  DescribeConfigRulesCommand,
  DescribeConfigurationAggregatorsCommand,
  SelectAggregateResourceConfigCommand,
  type DescribeConfigRulesCommandInput,
  type DescribeConfigRulesCommandOutput,
  type DescribeConfigurationAggregatorsCommandInput,
  type DescribeConfigurationAggregatorsCommandOutput,
  type SelectAggregateResourceConfigCommandInput,
  type SelectAggregateResourceConfigCommandOutput,
} from "@aws-sdk/client-config-service";
import {
  GetAccountAuthorizationDetailsCommand,
  GenerateServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsCommand,
  type GetAccountAuthorizationDetailsCommandInput,
  type GetAccountAuthorizationDetailsCommandOutput,
  type GenerateServiceLastAccessedDetailsCommandInput,
  type GenerateServiceLastAccessedDetailsCommandOutput,
  type GetServiceLastAccessedDetailsCommandInput,
  type GetServiceLastAccessedDetailsCommandOutput,
} from "@aws-sdk/client-iam";
import {
  ListFunctionsCommand,
  GetPolicyCommand,
  ListEventSourceMappingsCommand,
  ListCapacityProvidersCommand,
  GetFunctionUrlConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  ListTagsCommand,
  ListAliasesCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  GetLayerVersionPolicyCommand,
  type ListLayersCommandInput,
  type ListLayersCommandOutput,
  type ListLayerVersionsCommandInput,
  type ListLayerVersionsCommandOutput,
  type GetLayerVersionPolicyCommandInput,
  type GetLayerVersionPolicyCommandOutput,
  type ListAliasesCommandInput,
  type ListAliasesCommandOutput,
  type ListFunctionsCommandInput,
  type ListFunctionsCommandOutput,
  type GetPolicyCommandInput,
  type GetPolicyCommandOutput,
  type ListEventSourceMappingsCommandInput,
  type ListEventSourceMappingsCommandOutput,
  type ListCapacityProvidersCommandInput,
  type ListCapacityProvidersCommandOutput,
  type GetFunctionUrlConfigCommandInput,
  type GetFunctionUrlConfigCommandOutput,
  type GetFunctionEventInvokeConfigCommandInput,
  type GetFunctionEventInvokeConfigCommandOutput,
  type ListTagsCommandInput,
  type ListTagsCommandOutput,
} from "@aws-sdk/client-lambda";
import {
  ListObjectsV2Command,
  GetObjectCommand,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  type GetObjectCommandInput,
  type GetObjectCommandOutput,
} from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, type GetCallerIdentityCommandInput, type GetCallerIdentityCommandOutput } from "@aws-sdk/client-sts";
import type { OperationKey } from "./operations.js";

/** Input and output type of each allowed operation. */
export interface OperationTypes {
  "sts:GetCallerIdentity": [GetCallerIdentityCommandInput, GetCallerIdentityCommandOutput];
  "iam:GetAccountAuthorizationDetails": [GetAccountAuthorizationDetailsCommandInput, GetAccountAuthorizationDetailsCommandOutput];
  "lambda:ListFunctions": [ListFunctionsCommandInput, ListFunctionsCommandOutput];
  "lambda:GetPolicy": [GetPolicyCommandInput, GetPolicyCommandOutput];
  "lambda:ListEventSourceMappings": [ListEventSourceMappingsCommandInput, ListEventSourceMappingsCommandOutput];
  "lambda:ListCapacityProviders": [ListCapacityProvidersCommandInput, ListCapacityProvidersCommandOutput];
  "lambda:GetFunctionUrlConfig": [GetFunctionUrlConfigCommandInput, GetFunctionUrlConfigCommandOutput];
  "lambda:GetFunctionEventInvokeConfig": [GetFunctionEventInvokeConfigCommandInput, GetFunctionEventInvokeConfigCommandOutput];
  "lambda:ListTags": [ListTagsCommandInput, ListTagsCommandOutput];
  "account:ListRegions": [ListRegionsCommandInput, ListRegionsCommandOutput];
  "iam:GenerateServiceLastAccessedDetails": [GenerateServiceLastAccessedDetailsCommandInput, GenerateServiceLastAccessedDetailsCommandOutput];
  "iam:GetServiceLastAccessedDetails": [GetServiceLastAccessedDetailsCommandInput, GetServiceLastAccessedDetailsCommandOutput];
  "accessanalyzer:ListAnalyzers": [ListAnalyzersCommandInput, ListAnalyzersCommandOutput];
  "accessanalyzer:ListFindingsV2": [ListFindingsV2CommandInput, ListFindingsV2CommandOutput];
  "accessanalyzer:GetFindingV2": [GetFindingV2CommandInput, GetFindingV2CommandOutput];
  "cloudtrail:LookupEvents": [LookupEventsCommandInput, LookupEventsCommandOutput];
  "s3:ListObjectsV2": [ListObjectsV2CommandInput, ListObjectsV2CommandOutput];
  "s3:GetObject": [GetObjectCommandInput, GetObjectCommandOutput];
  "lambda:ListAliases": [ListAliasesCommandInput, ListAliasesCommandOutput];
  "lambda:ListLayers": [ListLayersCommandInput, ListLayersCommandOutput];
  "lambda:ListLayerVersions": [ListLayerVersionsCommandInput, ListLayerVersionsCommandOutput];
  "lambda:GetLayerVersionPolicy": [GetLayerVersionPolicyCommandInput, GetLayerVersionPolicyCommandOutput];
  "athena:StartQueryExecution": [StartQueryExecutionCommandInput, StartQueryExecutionCommandOutput];
  "athena:GetQueryExecution": [GetQueryExecutionCommandInput, GetQueryExecutionCommandOutput];
  "athena:GetQueryResults": [AthenaGetQueryResultsCommandInput, AthenaGetQueryResultsCommandOutput];
  "athena:StopQueryExecution": [StopQueryExecutionCommandInput, StopQueryExecutionCommandOutput];
  "cloudtrail:StartQuery": [StartQueryCommandInput, StartQueryCommandOutput];
  "cloudtrail:DescribeQuery": [DescribeQueryCommandInput, DescribeQueryCommandOutput];
  "cloudtrail:GetQueryResults": [LakeGetQueryResultsCommandInput, LakeGetQueryResultsCommandOutput];
  "cloudtrail:CancelQuery": [CancelQueryCommandInput, CancelQueryCommandOutput];
  "cloudtrail:GetEventDataStore": [GetEventDataStoreCommandInput, GetEventDataStoreCommandOutput];
  "cloudtrail:DescribeTrails": [DescribeTrailsCommandInput, DescribeTrailsCommandOutput];
  "cloudtrail:GetEventSelectors": [GetEventSelectorsCommandInput, GetEventSelectorsCommandOutput];
  "config:DescribeConfigRules": [DescribeConfigRulesCommandInput, DescribeConfigRulesCommandOutput];
  "config:DescribeConfigurationAggregators": [DescribeConfigurationAggregatorsCommandInput, DescribeConfigurationAggregatorsCommandOutput];
  "config:SelectAggregateResourceConfig": [SelectAggregateResourceConfigCommandInput, SelectAggregateResourceConfigCommandOutput];
}

export type OpInput<K extends OperationKey> = OperationTypes[K][0];
export type OpOutput<K extends OperationKey> = OperationTypes[K][1];

/** A command constructor, erased to what callAws needs. */
export type AnyCommandConstructor = new (input: never) => object;

/** The registry: key → SDK command class. Frozen. */
export const COMMANDS: Readonly<Record<OperationKey, AnyCommandConstructor>> = Object.freeze({
  "sts:GetCallerIdentity": GetCallerIdentityCommand,
  "iam:GetAccountAuthorizationDetails": GetAccountAuthorizationDetailsCommand,
  "lambda:ListFunctions": ListFunctionsCommand,
  "lambda:GetPolicy": GetPolicyCommand,
  "lambda:ListEventSourceMappings": ListEventSourceMappingsCommand,
  "lambda:ListCapacityProviders": ListCapacityProvidersCommand,
  "lambda:GetFunctionUrlConfig": GetFunctionUrlConfigCommand,
  "lambda:GetFunctionEventInvokeConfig": GetFunctionEventInvokeConfigCommand,
  "lambda:ListTags": ListTagsCommand,
  "account:ListRegions": ListRegionsCommand,
  "iam:GenerateServiceLastAccessedDetails": GenerateServiceLastAccessedDetailsCommand,
  "iam:GetServiceLastAccessedDetails": GetServiceLastAccessedDetailsCommand,
  "accessanalyzer:ListAnalyzers": ListAnalyzersCommand,
  "accessanalyzer:ListFindingsV2": ListFindingsV2Command,
  "accessanalyzer:GetFindingV2": GetFindingV2Command,
  "cloudtrail:LookupEvents": LookupEventsCommand,
  "s3:ListObjectsV2": ListObjectsV2Command,
  "s3:GetObject": GetObjectCommand,
  "lambda:ListAliases": ListAliasesCommand,
  "lambda:ListLayers": ListLayersCommand,
  "lambda:ListLayerVersions": ListLayerVersionsCommand,
  "lambda:GetLayerVersionPolicy": GetLayerVersionPolicyCommand,
  "athena:StartQueryExecution": StartQueryExecutionCommand,
  "athena:GetQueryExecution": GetQueryExecutionCommand,
  "athena:GetQueryResults": AthenaGetQueryResultsCommand,
  "athena:StopQueryExecution": StopQueryExecutionCommand,
  "cloudtrail:StartQuery": StartQueryCommand,
  "cloudtrail:DescribeQuery": DescribeQueryCommand,
  "cloudtrail:GetQueryResults": LakeGetQueryResultsCommand,
  "cloudtrail:CancelQuery": CancelQueryCommand,
  "cloudtrail:GetEventDataStore": GetEventDataStoreCommand,
  "cloudtrail:DescribeTrails": DescribeTrailsCommand,
  "cloudtrail:GetEventSelectors": GetEventSelectorsCommand,
  "config:DescribeConfigRules": DescribeConfigRulesCommand,
  "config:DescribeConfigurationAggregators": DescribeConfigurationAggregatorsCommand,
  "config:SelectAggregateResourceConfig": SelectAggregateResourceConfigCommand,
});
