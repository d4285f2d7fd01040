/**
 * What an Amazon MSK event source mapping may need of its execution role that its configuration
 * cannot tell. The Lambda developer guide ("Configuring Amazon MSK cluster authentication methods",
 * "Configuring Lambda permissions for Amazon MSK event source mappings") lets Lambda reach an MSK
 * cluster unauthenticated, with SASL/SCRAM or mTLS (a Secrets Manager secret in the mapping's
 * SourceAccessConfigurations), or with IAM access control (nothing in the mapping). Only the last
 * needs Kafka-level permissions of the execution role: kafka-cluster:Connect, DescribeGroup,
 * AlterGroup, DescribeTopic, ReadData and DescribeClusterDynamicConfiguration, and for a Kafka
 * topic as on-failure destination (`kafka://<topic>`, "Capturing discarded batches for Amazon MSK
 * and self-managed Apache Kafka event sources") kafka-cluster:WriteData. A mapping without a
 * secret is IAM or unauthenticated, which only the cluster's configuration says, and the inputs
 * do not hold it: requiring them would fail every role of an unauthenticated cluster, leaving them
 * out would pass a role that cannot read. Said instead, as a warning.
 *
 * A self-managed cluster, or an MSK mapping with a secret, authenticates with that secret, the
 * on-failure topic's writes included: no IAM permission of the role is involved beyond the secret
 * (already required).
 */
import type { Trigger } from "../model/document.js";

/** The prefix Lambda gives a Kafka topic as on-failure destination (`kafka://failed-records`). */
export const KAFKA_DESTINATION_PREFIX = "kafka://";

export interface MskAccessUnknown {
  /** The mapping's MSK cluster (or VPC connection) ARN; null when the inputs lack it. */
  source: string | null;
  /** The `kafka://<topic>` on-failure destination, when the mapping has one. */
  destination: string | null;
  /** That topic's ARN (`topic/<cluster name>/<cluster uuid>/<topic>`), when the cluster ARN gives it. */
  destinationTopicArn: string | null;
}

/** Null unless `t` reads an MSK cluster with no SASL/SCRAM or mTLS secret (IAM access control or none). */
export function mskAccessUnknown(t: Trigger): MskAccessUnknown | null {
  if (t.kind !== "kafka" || t.secretArns.length > 0) return null;
  const dest = t.onFailureDestination !== null && t.onFailureDestination.startsWith(KAFKA_DESTINATION_PREFIX) ? t.onFailureDestination : null;
  const m = t.eventSourceArn === null ? null : /^arn:([^:]+):kafka:([^:]*):([^:]*):cluster\/([^/]+)\/([^/]+)$/.exec(t.eventSourceArn);
  const topicArn = dest !== null && m !== null ? `arn:${m[1]}:kafka:${m[2]}:${m[3]}:topic/${m[4]}/${m[5]}/${dest.slice(KAFKA_DESTINATION_PREFIX.length)}` : null;
  return { source: t.eventSourceArn, destination: dest, destinationTopicArn: topicArn };
}

/** One sentence on what the role needs if the cluster uses IAM access control. */
/**
 * The mapping as a warning names it: by its UUID when it has one (an account's); a template's or
 * plan's has none before it is deployed, and "(no UUID)" read as if something were missing.
 */
export function mappingOf(t: Trigger): string {
  return t.uuid === null ? "its event source mapping" : `event source mapping ${t.uuid}`;
}

export function mskAccessSentence(u: MskAccessUnknown): string {
  const destination =
    u.destination === null ? "" : `, and kafka-cluster:WriteData on ${u.destinationTopicArn ?? `the topic ${u.destination.slice(KAFKA_DESTINATION_PREFIX.length)}`} for its on-failure destination ${u.destination}`;
  return (
    `reads Amazon MSK cluster ${u.source ?? "(source unknown)"} without a SASL/SCRAM or mTLS secret, so with IAM access control or unauthenticated, which the inputs do not say; ` +
    `with IAM access control the execution role also needs kafka-cluster:Connect and kafka-cluster:DescribeClusterDynamicConfiguration on the cluster, ` +
    `kafka-cluster:DescribeTopic and kafka-cluster:ReadData on its topics, kafka-cluster:DescribeGroup and kafka-cluster:AlterGroup on its consumer group${destination}`
  );
}
