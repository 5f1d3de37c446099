/**
 * Resources priced by one entry of the price file each: customer managed KMS keys, S3 Standard storage (an assumed
 * amount per bucket) and CloudWatch Logs ingestion (an assumed amount per log group).
 */
import { AWS_TYPES } from "../../type-tokens";
import { num, type GraphNode } from "../graph";
import { plural, type ResourcePricing } from "../pricer";

export function priceKmsKey(r: ResourcePricing): void {
  r.priceFixed(
    "customer managed KMS key",
    { min: 1, max: 1 },
    r.book?.kms.keyMonth,
    "1 key × 1 month (prorated hourly while it exists)",
    "KMS key-month",
    "key-month",
  );
}

/** True when `bucket` receives server access logs: the `targetBucket` of a BucketLogging in the stack. */
function isAccessLogTarget(bucket: GraphNode, nodes: readonly GraphNode[]): boolean {
  const ids = [bucket.props.id, bucket.props.bucket].filter((v) => typeof v === "string" && v !== "");
  return nodes.some(
    (n) =>
      (n.type === AWS_TYPES.s3BucketLogging || n.type === AWS_TYPES.s3BucketLoggingV2) &&
      ((n.propertyDependencies.targetBucket ?? []).includes(bucket.urn) ||
        ids.includes(n.props.targetBucket)),
  );
}

export function priceBucket(r: ResourcePricing): void {
  const logs = isAccessLogTarget(r.node, r.stack.nodes);
  const gb = logs ? r.assumptions.accessLogStorageGb : r.assumptions.bucketStorageGb;
  r.priceFixed(
    logs ? "S3 Standard storage (server access logs)" : "S3 Standard storage",
    { min: gb, max: gb },
    r.book?.s3.standardGbMonth,
    `assumed ${plural(gb, "GB", "GB")} stored (assumption ${logs ? "accessLogStorageGb" : "bucketStorageGb"}); ` +
      "requests and data transfer not included",
    "S3 Standard GB-month",
    "GB-month",
  );
}

export function priceLogGroup(r: ResourcePricing): void {
  const gb = r.assumptions.logIngestionGbPerMonth;
  const retention = num(r.node.props.retentionInDays);
  r.priceFixed(
    "CloudWatch Logs ingestion",
    { min: gb, max: gb },
    r.book?.cloudwatch.logsIngestionGb,
    `assumed ${plural(gb, "GB", "GB")} ingested per month (assumption logIngestionGbPerMonth); ` +
      `storage of retained logs not included${retention !== undefined ? ` (retention ${retention} days)` : " (no retention set: kept forever)"}`,
    "CloudWatch Logs ingestion",
    "GB",
  );
}
