/**
 * How S3 stack rules tie a configuration resource (BucketLogging, BucketVersioning, ...) to the bucket it
 * configures. Under @pulumi/aws 7 these settings are separate resources whose `bucket` (or `targetBucket`) holds
 * the bucket's name, which is unknown during a first preview; the engine still records which resource the value
 * came from (propertyDependencies), so that link is tried first, then the value itself.
 */
import type { PolicyResource } from "@pulumi/policy";
import { probe } from "../framework";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

export const BUCKET_TYPES: readonly string[] = [AWS_TYPES.s3Bucket, AWS_TYPES.s3BucketV2];

/** Whether `resource.props[property]` names `bucket`: yes, no, or unknown (a placeholder with no dependency). */
export type BucketRef = "yes" | "no" | "unknown";

/** The bucket's own identifiers (id and name) as far as they are known. */
function bucketIds(bucket: PolicyResource): string[] {
  const ids = probe("bucket", () => [bucket.props.id, bucket.props.bucket]);
  if (!ids.known) return [];
  return ids.value.filter((v): v is string => typeof v === "string" && v !== "");
}

/** Does `resource.props[property]` (or a value read from it) refer to `bucket`? */
export function refersTo(
  resource: PolicyResource,
  property: string,
  bucket: PolicyResource,
  read: () => unknown = () => resource.props[property],
): BucketRef {
  const dependencies = resource.propertyDependencies?.[property] ?? [];
  if (dependencies.some((d) => d.urn === bucket.urn)) return "yes";
  const value = probe(property, read);
  if (!value.known) return dependencies.length > 0 ? "no" : "unknown";
  if (typeof value.value !== "string" || value.value === "") return "no";
  return bucketIds(bucket).includes(value.value) ? "yes" : "no";
}
