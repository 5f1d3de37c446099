import { strict as assert } from "node:assert";
import { s3AccessLogging } from "@ml-platform/policy/policies/s3-logging";
import { messages, runStackPolicy, unknown, urnOf, type StackResourceInput } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const BUCKET = AWS_TYPES.s3Bucket;
const LOGGING = AWS_TYPES.s3BucketLogging;

function bucket(name: string, props: Record<string, unknown> = {}): StackResourceInput {
  return { type: BUCKET, name, props: { id: `${name}-abc123`, bucket: `${name}-abc123`, ...props } };
}

/** `source` logs into `target`, linked by property dependencies as the engine records them. */
function logging(name: string, source: string, target: string, deps = true): StackResourceInput {
  return {
    type: LOGGING,
    name,
    props: { bucket: `${source}-abc123`, targetBucket: `${target}-abc123`, targetPrefix: "access-logs/" },
    propertyDependencies: deps
      ? { bucket: [urnOf(BUCKET, source)], targetBucket: [urnOf(BUCKET, target)] }
      : {},
  };
}

/** The artifacts bucket logs into its own log bucket, which need not log: compliant. */
function stack(): StackResourceInput[] {
  return [
    bucket("artifacts"),
    bucket("artifacts-logs"),
    logging("artifacts-delivery", "artifacts", "artifacts-logs"),
  ];
}

const run = (resources: StackResourceInput[]) => runStackPolicy(s3AccessLogging, resources);

describe("s3-access-logging", () => {
  it("passes a bucket logging into a log bucket, exempting the log bucket, and stacks without buckets", async () => {
    assert.deepEqual(messages(await run(stack())), []);
    assert.deepEqual(messages(await run([])), []);
  });

  it("reports a bucket without logging, on the bucket", async () => {
    const result = await run([...stack(), bucket("scratch")]);
    assert.equal(result.violations.length, 1);
    assert.equal(result.violations[0].urn, urnOf(BUCKET, "scratch"));
    assert.match(result.violations[0].message, /Bucket "scratch": server access logging is off/);
  });

  it("a bucket that only receives logs is exempt, but one that stops receiving them is not", async () => {
    const withoutDelivery = stack().filter((r) => r.type !== LOGGING);
    const names = (await run(withoutDelivery)).violations.map((v) => v.urn);
    assert.deepEqual(names, [urnOf(BUCKET, "artifacts"), urnOf(BUCKET, "artifacts-logs")]);
  });

  it("matches by bucket name when there are no property dependencies", async () => {
    const resources = stack().map((r) =>
      r.type === LOGGING ? logging("artifacts-delivery", "artifacts", "artifacts-logs", false) : r,
    );
    assert.deepEqual(messages(await run(resources)), []);
  });

  it("matches through property dependencies while the names are unknown (preview)", async () => {
    const resources = stack().map((r) =>
      r.type === LOGGING
        ? { ...r, props: { ...r.props, bucket: unknown.string, targetBucket: unknown.string } }
        : r,
    );
    const result = await run(resources);
    assert.deepEqual(messages(result), []);
    assert.equal(result.deferred, undefined);
  });

  it("defers when an unlinked logging resource's bucket is unknown", async () => {
    const resources: StackResourceInput[] = [
      bucket("artifacts"),
      { type: LOGGING, name: "elsewhere", props: { bucket: unknown.string, targetBucket: "central-logs" } },
    ];
    const result = await run(resources);
    assert.deepEqual(messages(result), []);
    assert.match(result.deferred ?? "", /can't run policy 's3-access-logging' during preview/);
  });

  it("counts the deprecated inline logging field, but not logging into the bucket itself", async () => {
    const inline = [bucket("artifacts", { logging: { targetBucket: "central-logs-abc123" } })];
    assert.deepEqual(messages(await run(inline)), []);
    const self = await run([bucket("artifacts"), logging("loop", "artifacts", "artifacts")]);
    assert.equal(self.violations.length, 1);
    assert.equal(self.violations[0].urn, urnOf(LOGGING, "loop"));
    assert.match(self.violations[0].message, /targetBucket is bucket "artifacts" itself/);
  });

  it("checks BucketV2 and BucketLoggingV2 alike", async () => {
    const resources: StackResourceInput[] = [
      { ...bucket("v2"), type: AWS_TYPES.s3BucketV2 },
      {
        type: AWS_TYPES.s3BucketLoggingV2,
        name: "v2-delivery",
        props: { bucket: "v2-abc123", targetBucket: "central-logs" },
      },
    ];
    assert.deepEqual(messages(await run(resources)), []);
    assert.equal((await run(resources.slice(0, 1))).violations.length, 1);
  });
});
