import { strict as assert } from "node:assert";
import { s3PublicAccessBlock } from "@ml-platform/policy/policies/s3";
import { exemptionTagKey } from "@ml-platform/policy/framework";
import { messages, runStackPolicy, unknown, urnOf, type StackResourceInput } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const BUCKET = AWS_TYPES.s3Bucket;
const BLOCK = AWS_TYPES.s3BucketPublicAccessBlock;

function block(name: string, bucketName: string, mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    bucket: `${bucketName}-abc123`,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  };
  mutate(props);
  return { type: BLOCK, name, props, propertyDependencies: { bucket: [urnOf(BUCKET, bucketName)] } };
}

/** Two buckets, each with its own block: compliant. */
function stack(): StackResourceInput[] {
  return [
    { type: BUCKET, name: "artifacts", props: { id: "artifacts-abc123", bucket: "artifacts-abc123" } },
    { type: BUCKET, name: "data", props: { id: "data-abc123", bucket: "data-abc123" } },
    block("artifacts-pab", "artifacts"),
    block("data-pab", "data"),
  ];
}

describe("s3-public-access-block", () => {
  it("passes buckets with full blocks, and stacks without buckets", async () => {
    assert.deepEqual(messages(await runStackPolicy(s3PublicAccessBlock, stack())), []);
    assert.deepEqual(messages(await runStackPolicy(s3PublicAccessBlock, [])), []);
  });

  it("reports a bucket without a block, on the bucket", async () => {
    const resources = stack().filter((r) => r.name !== "data-pab");
    const result = await runStackPolicy(s3PublicAccessBlock, resources);
    assert.equal(result.violations.length, 1);
    assert.equal(result.violations[0].urn, urnOf(BUCKET, "data"));
    assert.match(result.violations[0].message, /Bucket "data": public access is not locked down/);
  });

  it("reports each setting that is off, on the block", async () => {
    const resources = stack();
    resources[3] = block("data-pab", "data", (p) => {
      p.blockPublicPolicy = false;
      delete p.restrictPublicBuckets;
    });
    const result = await runStackPolicy(s3PublicAccessBlock, resources);
    assert.equal(result.violations.length, 1);
    assert.equal(result.violations[0].urn, urnOf(BLOCK, "data-pab"));
    assert.match(
      result.violations[0].message,
      /blockPublicPolicy, restrictPublicBuckets are not true for bucket "data"/,
    );
  });

  it("matches a block by bucket name when there is no property dependency", async () => {
    const resources = stack().map((r) => (r.type === BLOCK ? { ...r, propertyDependencies: {} } : r));
    assert.deepEqual(messages(await runStackPolicy(s3PublicAccessBlock, resources)), []);
  });

  it("accepts a full account-level block instead", async () => {
    const resources: StackResourceInput[] = [
      stack()[0],
      {
        type: AWS_TYPES.s3AccountPublicAccessBlock,
        name: "account",
        props: {
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
      },
    ];
    assert.deepEqual(messages(await runStackPolicy(s3PublicAccessBlock, resources)), []);
  });

  it("fails closed on an unknown setting", async () => {
    const resources = stack();
    resources[2] = block("artifacts-pab", "artifacts", (p) => (p.blockPublicAcls = unknown.boolean));
    const result = messages(await runStackPolicy(s3PublicAccessBlock, resources));
    assert.equal(result.length, 1);
    assert.match(result[0], /fails closed/);
  });

  it("honours an exemption with a reason", async () => {
    const resources = stack().filter((r) => r.name !== "data-pab");
    resources[1] = {
      ...resources[1],
      props: {
        ...resources[1].props,
        tags: { [exemptionTagKey("s3-public-access-block")]: "public website assets, CDN-fronted" },
      },
    };
    assert.deepEqual(messages(await runStackPolicy(s3PublicAccessBlock, resources)), []);
  });
});
