/**
 * Resources priced by one entry of the price file each: customer managed KMS keys, S3 Standard storage (an assumed
 * amount per bucket) and CloudWatch Logs ingestion (an assumed amount per log group).
 */
import { num } from "../graph";
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

export function priceBucket(r: ResourcePricing): void {
  const gb = r.assumptions.bucketStorageGb;
  r.priceFixed(
    "S3 Standard storage",
    { min: gb, max: gb },
    r.book?.s3.standardGbMonth,
    `assumed ${plural(gb, "GB", "GB")} stored (assumption bucketStorageGb); requests and data transfer not included`,
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
