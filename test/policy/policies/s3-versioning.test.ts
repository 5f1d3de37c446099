import { strict as assert } from "node:assert";
import { s3VersioningStateful } from "@ml-platform/policy/policies/s3-versioning";
import { messages, runStackPolicy, unknown, urnOf, type StackResourceInput } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const BUCKET = AWS_TYPES.s3Bucket;
const VERSIONING = AWS_TYPES.s3BucketVersioning;

function bucket(name: string, props: Record<string, unknown> = {}, protect = false): StackResourceInput {
  return {
    type: BUCKET,
    name,
    props: { id: `${name}-abc123`, bucket: `${name}-abc123`, forceDestroy: false, ...props },
    opts: { protect },
  };
}

function versioning(name: string, target: string, status: unknown = "Enabled"): StackResourceInput {
  return {
    type: VERSIONING,
    name,
    props: { bucket: `${target}-abc123`, versioningConfiguration: { status } },
    propertyDependencies: { bucket: [urnOf(BUCKET, target)] },
  };
}

/** A protected data bucket with versioning Enabled: compliant. */
function stack(status: unknown = "Enabled"): StackResourceInput[] {
  return [bucket("artifacts", {}, true), versioning("artifacts-versioning", "artifacts", status)];
}

const run = (resources: StackResourceInput[]) => runStackPolicy(s3VersioningStateful, resources);

describe("s3-versioning-stateful", () => {
  it("passes a stateful bucket with versioning Enabled", async () => {
    assert.deepEqual(messages(await run(stack())), []);
  });

  it("reports Suspended on the versioning resource", async () => {
    const result = await run(stack("Suspended"));
    assert.equal(result.violations.length, 1);
    assert.equal(result.violations[0].urn, urnOf(VERSIONING, "artifacts-versioning"));
    assert.match(
      result.violations[0].message,
      /versioningConfiguration.status is "Suspended" for bucket "artifacts", which is protected/,
    );
  });

  it("reports absent versioning on the bucket, for protected and data-holding buckets", async () => {
    const unprotected = await run([bucket("data")]);
    assert.equal(unprotected.violations[0]?.urn, urnOf(BUCKET, "data"));
    assert.match(
      unprotected.violations[0].message,
      /versioning is absent, and the bucket holds data \(forceDestroy is not true\)/,
    );
    const guarded = await run([bucket("data", { forceDestroy: true }, true)]);
    assert.match(messages(guarded)[0], /versioning is absent, and the bucket is protected/);
  });

  it("leaves a disposable bucket (forceDestroy, not protected) alone", async () => {
    assert.deepEqual(messages(await run([bucket("scratch", { forceDestroy: true })])), []);
  });

  it("fails closed on an unknown status, and matches through dependencies while names are unknown", async () => {
    const [closed] = messages(await run(stack(unknown.string)));
    assert.match(
      closed,
      /is unknown during preview, and this policy fails closed because an unknown status could be Suspended/,
    );
    const resources = stack().map((r) =>
      r.type === VERSIONING ? { ...r, props: { ...r.props, bucket: unknown.string } } : r,
    );
    assert.deepEqual(messages(await run(resources)), []);
  });

  it("counts the deprecated inline versioning field", async () => {
    assert.deepEqual(messages(await run([bucket("legacy", { versioning: { enabled: true } }, true)])), []);
    assert.equal(
      (await run([bucket("legacy", { versioning: { enabled: false } }, true)])).violations.length,
      1,
    );
  });
});
