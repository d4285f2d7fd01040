/**
 * What an Amazon MSK event source mapping may need of its execution role that its configuration
 * cannot tell. The Lambda developer guide ("Configuring Amazon MSK cluster authentication methods",
 * "Configuring Lambda permissions for Amazon MSK event source mappings") lets Lambda reach an MSK
 * cluster unauthenticated, with SASL/SCRAM or mTLS (a Secrets Manager secret in the mapping's
 * SourceAccessConfigurations), or with IAM access control (nothing in the mapping). Only the last
 * needs Kafka-level permissions of the execution role: kafka-cluster:Connect, DescribeGroup,
 * AlterGroup, DescribeTopic, ReadData and DescribeClusterDynamicConfiguration, and for a Kafka
 * topic as on-failure destination (`kafka://<topic>`, "Capturing discarded batches for Amazon MSK
 * and self-managed Apache Kafka event sources") kafka-cluster:WriteData, which MSK's IAM access
 * control grants only with kafka-cluster:DescribeTopic on the topic (Amazon MSK developer guide,
 * "Semantics of IAM authorization policy actions": its required actions; "Common use cases":
 * producing data needs Connect, DescribeTopic and WriteData). A mapping without a
 * secret is IAM or unauthenticated, which only the cluster's configuration says. When the inputs
 * define the cluster (a template's or plan's MSK cluster: the trigger's `kafkaAccess`), they are
 * required for IAM access control (kafkaIamGrants) and not for unauthenticated access. Otherwise
 * the inputs do not hold it: requiring them would fail every role of an unauthenticated cluster,
 * leaving them out would pass a role that cannot read. Said instead, as a warning.
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
  /** The cluster's kind when the inputs define it (an `AWS::MSK::Cluster` whose access mode they do not say). */
  clusterType: "provisioned" | "serverless" | null;
}

/** The mapping's `kafka://<topic>` on-failure destination, or null. */
function kafkaDestination(t: Trigger): string | null {
  return t.onFailureDestination !== null && t.onFailureDestination.startsWith(KAFKA_DESTINATION_PREFIX) ? t.onFailureDestination : null;
}

/**
 * The ARN of a resource of the mapping's cluster that IAM access control names (Amazon MSK
 * developer guide, "Authorization policy resources"): `arn:<p>:kafka:<region>:<account>:<type>/<cluster
 * name>/<cluster uuid>/<name>` for a topic or group. From the cluster's ARN, or the pattern a
 * template's cluster has before it is made (`kafkaClusterArn`, its UUID `*`); null when neither
 * gives it.
 */
function clusterResourceArn(t: Trigger, type: "topic" | "group", name: string): string | null {
  const arn = t.kafkaClusterArn ?? t.eventSourceArn;
  // A template's region and account are `${AWS::Region}` and `${AWS::AccountId}`, colons inside.
  const part = "((?:\\$\\{[^}]*\\}|[^:])*)";
  const m = arn === null ? null : new RegExp(`^arn:([^:]+):kafka:${part}:${part}:cluster/([^/]+)/([^/]+)$`).exec(arn);
  return m === null ? null : `arn:${m[1]}:kafka:${m[2]}:${m[3]}:${type}/${m[4]}/${m[5]}/${name}`;
}

/**
 * Null unless `t` reads an MSK cluster with no SASL/SCRAM or mTLS secret (IAM access control or
 * none) and the inputs do not say which (`kafkaAccess`: the cluster is defined in them).
 */
export function mskAccessUnknown(t: Trigger): MskAccessUnknown | null {
  if (t.kind !== "kafka" || t.secretArns.length > 0 || t.kafkaAccess !== undefined) return null;
  const dest = kafkaDestination(t);
  const topicArn = dest === null ? null : clusterResourceArn(t, "topic", dest.slice(KAFKA_DESTINATION_PREFIX.length));
  return { source: t.eventSourceArn, destination: dest, destinationTopicArn: topicArn, clusterType: t.kafkaClusterType ?? null };
}

/** What IAM access control needs of the execution role, on one resource. */
export interface KafkaIamGrant {
  actions: readonly string[];
  resource: string;
  /** The `kafka://<topic>` on-failure destination it is for; absent for the cluster, topics and group. */
  destination?: string;
}

/**
 * What an MSK mapping with IAM access control (`kafkaAccess: "iam"`, no secret) needs of the
 * execution role, as the Lambda developer guide lists it ("IAM authentication"): Connect and
 * DescribeClusterDynamicConfiguration on the cluster (Connect alone on a serverless cluster: the
 * Amazon MSK developer guide lists DescribeClusterDynamicConfiguration as not applicable to MSK
 * Serverless, so requiring it failed a role that lacked nothing), DescribeTopic and ReadData on each topic,
 * DescribeGroup and AlterGroup on the consumer group, and DescribeTopic and WriteData on a `kafka://` on-failure
 * topic. A part not known before deployment is `*`: the cluster's UUID (kafkaClusterArn), the
 * group when the mapping names none (Lambda makes one), every topic when the input lists none.
 * Empty for any other mapping.
 */
export function kafkaIamGrants(t: Trigger): KafkaIamGrant[] {
  if (t.kind !== "kafka" || t.secretArns.length > 0 || t.kafkaAccess !== "iam" || t.eventSourceArn === null) return [];
  const clusterActions = t.kafkaClusterType === "serverless" ? ["kafka-cluster:Connect"] : ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"];
  const out: KafkaIamGrant[] = [{ actions: clusterActions, resource: t.eventSourceArn }];
  const topics = t.topics !== undefined && t.topics.length > 0 ? t.topics : ["*"];
  for (const topic of topics) {
    const arn = clusterResourceArn(t, "topic", topic);
    if (arn !== null) out.push({ actions: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"], resource: arn });
  }
  const group = clusterResourceArn(t, "group", t.consumerGroupId ?? "*");
  if (group !== null) out.push({ actions: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"], resource: group });
  const dest = kafkaDestination(t);
  const destArn = dest === null ? null : clusterResourceArn(t, "topic", dest.slice(KAFKA_DESTINATION_PREFIX.length));
  if (dest !== null && destArn !== null) out.push({ actions: ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"], resource: destArn, destination: dest });
  return out;
}

/**
 * The mapping as a warning names it: by its UUID when it has one (an account's); a template's or
 * plan's has none before it is deployed, and "(no UUID)" read as if something were missing.
 */
export function mappingOf(t: Trigger): string {
  return t.uuid === null ? "its event source mapping" : `event source mapping ${t.uuid}`;
}

/**
 * One sentence on what the role needs if the cluster uses IAM access control. The cluster is
 * outside the inputs, so whether it is serverless is not known either: the Amazon MSK developer
 * guide ("Semantics of IAM authorization policy actions") lists
 * kafka-cluster:DescribeClusterDynamicConfiguration as not applicable to serverless clusters,
 * while the Lambda guide lists it for IAM authentication. Before, it was said to be needed
 * whatever the cluster. A provisioned cluster of the inputs whose access mode they do not say
 * (`kafkaClusterType`) needs it with IAM access control, said without the "if".
 */
export function mskAccessSentence(u: MskAccessUnknown): string {
  const destination =
    u.destination === null ? "" : `, and kafka-cluster:DescribeTopic and kafka-cluster:WriteData on ${u.destinationTopicArn ?? `the topic ${u.destination.slice(KAFKA_DESTINATION_PREFIX.length)}`} for its on-failure destination ${u.destination}`;
  const dynamicConfiguration =
    u.clusterType === "provisioned"
      ? "and kafka-cluster:DescribeClusterDynamicConfiguration on it: it is a provisioned cluster"
      : "and kafka-cluster:DescribeClusterDynamicConfiguration on it if it is a provisioned cluster: MSK Serverless does not apply that action";
  return (
    `reads Amazon MSK cluster ${u.source ?? "(source unknown)"} without a SASL/SCRAM or mTLS secret, so with IAM access control or unauthenticated, which the inputs do not say; ` +
    `with IAM access control the execution role also needs kafka-cluster:Connect on the cluster (${dynamicConfiguration}), ` +
    `kafka-cluster:DescribeTopic and kafka-cluster:ReadData on its topics, kafka-cluster:DescribeGroup and kafka-cluster:AlterGroup on its consumer group${destination}`
  );
}
