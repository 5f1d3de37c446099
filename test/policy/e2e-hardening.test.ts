/**
 * End-to-end for the hardening rules shared with the peer packs (KMS rotation, S3 access logging, versioning and
 * TLS, log groups, model network isolation): each runs in the compiled pack over gRPC with the prod config, a
 * compliant resource passes and a violating one yields the policy's mandatory violation.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { ENGINE_UNKNOWN_SENTINEL, type PolicyViolation } from "../../tools/analyzer";
import type { CapturedResource } from "../../tools/lib/resource-graph";
import { tlsOnlyBucketPolicy } from "@ml-platform/aws-facts/iam-policies";
import { captured, POLICY_DIR, usePolicyPack } from "./support/e2e";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const byPolicy = (violations: readonly PolicyViolation[], name: string) =>
  violations.filter((v) => v.policyName === name);

/** A protected bucket, versioned, TLS-only and logging into a log bucket that is hardened the same way. */
function bucketStack(change: { logging?: boolean; status?: string; tls?: boolean } = {}): CapturedResource[] {
  const resources: CapturedResource[] = [];
  const bucket = (name: string) => {
    const b = captured(
      AWS_TYPES.s3Bucket,
      name,
      { forceDestroy: false },
      {
        options: { protect: true },
        outputs: {
          forceDestroy: false,
          id: `${name}-id`,
          bucket: `${name}-id`,
          arn: `arn:aws:s3:::${name}-id`,
        },
      },
    );
    resources.push(b);
    return b;
  };
  const onBucket = (type: string, name: string, b: CapturedResource, inputs: Record<string, unknown>) =>
    resources.push(
      captured(
        type,
        name,
        { bucket: `${b.name}-id`, ...inputs },
        { propertyDependencies: { bucket: [b.urn] } },
      ),
    );
  const data = bucket("artifacts");
  const logs = bucket("artifacts-logs");
  for (const b of [data, logs]) {
    onBucket(AWS_TYPES.s3BucketVersioning, `${b.name}-versioning`, b, {
      versioningConfiguration: { status: b === data ? (change.status ?? "Enabled") : "Enabled" },
    });
    const document = tlsOnlyBucketPolicy(`arn:aws:s3:::${b.name}-id`);
    onBucket(AWS_TYPES.s3BucketPolicy, `${b.name}-policy`, b, {
      policy: JSON.stringify(change.tls === false && b === data ? { ...document, Statement: [] } : document),
    });
  }
  if (change.logging !== false) {
    resources.push(
      captured(
        AWS_TYPES.s3BucketLogging,
        "artifacts-delivery",
        { bucket: "artifacts-id", targetBucket: "artifacts-logs-id", targetPrefix: "access-logs/" },
        { propertyDependencies: { bucket: [data.urn], targetBucket: [logs.urn] } },
      ),
    );
  }
  return resources;
}

describe("hardening rules end to end (CLI runner + gRPC, prod config)", function () {
  this.timeout(180_000);
  const pack = usePolicyPack({ project: "ml-platform", stack: "prod", tags: {} });
  before(async () => {
    await pack().configure(join(POLICY_DIR, "config", "prod.json"));
  });

  const analyzeOne = async (type: string, name: string, inputs: Record<string, unknown>, policy: string) =>
    byPolicy(
      (await pack().analyze(captured(type, name, inputs, { options: { protect: true } }))).violations,
      policy,
    );

  it("kms-key-rotation: a rotating key passes, one without rotation is a mandatory violation", async () => {
    const key = { description: "k", enableKeyRotation: true, deletionWindowInDays: 30 };
    assert.deepEqual(await analyzeOne(AWS_TYPES.kmsKey, "key", key, "kms-key-rotation"), []);
    const [v] = await analyzeOne(
      AWS_TYPES.kmsKey,
      "key",
      { ...key, enableKeyRotation: false },
      "kms-key-rotation",
    );
    assert.equal(v?.enforcementLevel, "mandatory");
    assert.match(v.message, /Key "key": enableKeyRotation is false/);
    const hmac = {
      ...key,
      enableKeyRotation: false,
      customerMasterKeySpec: "HMAC_256",
      keyUsage: "GENERATE_VERIFY_MAC",
    };
    assert.deepEqual(await analyzeOne(AWS_TYPES.kmsKey, "mac", hmac, "kms-key-rotation"), []);
  });

  it("log-group-retention-encryption: retention and a key pass; no key, or no retention, do not", async () => {
    const group = { name: "/aws/lambda/fn", retentionInDays: 90, kmsKeyId: KEY_ARN };
    const policy = "log-group-retention-encryption";
    assert.deepEqual(await analyzeOne(AWS_TYPES.cloudwatchLogGroup, "logs", group, policy), []);
    const [noKey] = await analyzeOne(
      AWS_TYPES.cloudwatchLogGroup,
      "logs",
      { ...group, kmsKeyId: undefined },
      policy,
    );
    assert.match(noKey?.message ?? "", /kmsKeyId is unset/);
    assert.equal(noKey.enforcementLevel, "mandatory");
    const [forever] = await analyzeOne(
      AWS_TYPES.cloudwatchLogGroup,
      "logs",
      { ...group, retentionInDays: 0 },
      policy,
    );
    assert.match(forever?.message ?? "", /retentionInDays is 0/);
    // An unknown key ARN (the key is created in the same update) counts as set.
    assert.deepEqual(
      await analyzeOne(
        AWS_TYPES.cloudwatchLogGroup,
        "logs",
        { ...group, kmsKeyId: ENGINE_UNKNOWN_SENTINEL },
        policy,
      ),
      [],
    );
  });

  it("sagemaker-model-network-isolation: isolated passes, open is reported", async () => {
    const model = { executionRoleArn: "arn:aws:iam::123456789012:role/m", enableNetworkIsolation: true };
    const policy = "sagemaker-model-network-isolation";
    assert.deepEqual(await analyzeOne(AWS_TYPES.sagemakerModel, "model", model, policy), []);
    const [open] = await analyzeOne(
      AWS_TYPES.sagemakerModel,
      "model",
      { ...model, enableNetworkIsolation: false },
      policy,
    );
    assert.equal(open?.enforcementLevel, "mandatory");
    assert.match(open.message, /enableNetworkIsolation is false/);
  });

  it("S3 stack rules: the hardened pair passes; each gap is reported by its own policy", async () => {
    const names = ["s3-access-logging", "s3-versioning-stateful", "s3-tls-only"];
    const clean = await pack().analyzeStack(bucketStack());
    assert.deepEqual(
      clean.violations.filter((v) => names.includes(v.policyName)),
      [],
      "the log bucket is exempt from logging itself, and everything else is in place",
    );

    const unlogged = byPolicy(
      (await pack().analyzeStack(bucketStack({ logging: false }))).violations,
      names[0],
    );
    assert.deepEqual(
      unlogged.map((v) => v.urn).sort(),
      bucketStack()
        .filter((r) => r.type === AWS_TYPES.s3Bucket)
        .map((r) => r.urn)
        .sort(),
      "without the delivery, neither bucket is a log target any more",
    );
    assert.equal(unlogged[0].enforcementLevel, "mandatory");

    const [suspended] = byPolicy(
      (await pack().analyzeStack(bucketStack({ status: "Suspended" }))).violations,
      names[1],
    );
    assert.match(
      suspended?.message ?? "",
      /versioningConfiguration.status is "Suspended" for bucket "artifacts"/,
    );

    const [plain] = byPolicy((await pack().analyzeStack(bucketStack({ tls: false }))).violations, names[2]);
    assert.match(plain?.message ?? "", /does not deny requests without TLS for bucket "artifacts"/);
    assert.equal(plain.phase, "analyzeStack");
  });
});
