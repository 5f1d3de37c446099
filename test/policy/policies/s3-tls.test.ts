import { strict as assert } from "node:assert";
import { enforcesTls, s3TlsOnly } from "@ml-platform/policy/policies/s3-tls";
import { tlsOnlyBucketPolicy } from "@ml-platform/aws-facts/iam-policies";
import { messages, runStackPolicy, unknown, urnOf, type StackResourceInput } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const BUCKET = AWS_TYPES.s3Bucket;
const POLICY = AWS_TYPES.s3BucketPolicy;
const ARN = "arn:aws:s3:::artifacts-abc123";

/** The TLS-only statement as AWS documents it, one field changed by `mutate`. */
function denyStatement(mutate: (s: Record<string, any>) => void = () => undefined) {
  const statement: Record<string, any> = {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: { AWS: "*" },
    Action: "s3:*",
    Resource: [ARN, `${ARN}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
  mutate(statement);
  return statement;
}

function stack(
  document: unknown = { Version: "2012-10-17", Statement: [denyStatement()] },
): StackResourceInput[] {
  return [
    {
      type: BUCKET,
      name: "artifacts",
      props: { id: "artifacts-abc123", bucket: "artifacts-abc123", arn: ARN },
    },
    {
      type: POLICY,
      name: "artifacts-tls-only",
      props: {
        bucket: "artifacts-abc123",
        policy: typeof document === "string" ? document : JSON.stringify(document),
      },
      propertyDependencies: { bucket: [urnOf(BUCKET, "artifacts")] },
    },
  ];
}

describe("s3-tls-only", () => {
  it("passes the documented TLS-only statement, and the components' own document", async () => {
    assert.deepEqual(messages(await runStackPolicy(s3TlsOnly, stack())), []);
    assert.deepEqual(messages(await runStackPolicy(s3TlsOnly, stack(tlsOnlyBucketPolicy(ARN)))), []);
  });

  it("reports a bucket without a bucket policy, on the bucket", async () => {
    const result = await runStackPolicy(s3TlsOnly, stack().slice(0, 1));
    assert.equal(result.violations[0]?.urn, urnOf(BUCKET, "artifacts"));
    assert.match(
      result.violations[0].message,
      /bucket policy is missing: nothing denies requests without TLS/,
    );
  });

  it("reports a policy whose statement does not deny insecure transport, on the policy", async () => {
    for (const mutate of [
      (s: Record<string, any>) => (s.Effect = "Allow"),
      (s: Record<string, any>) => (s.Principal = { AWS: "arn:aws:iam::123456789012:root" }),
      (s: Record<string, any>) => (s.Action = "s3:ListBucket"),
      (s: Record<string, any>) => (s.Resource = ARN),
      (s: Record<string, any>) => (s.Condition = { Bool: { "aws:SecureTransport": "true" } }),
      (s: Record<string, any>) => delete s.Condition,
    ]) {
      const document = { Version: "2012-10-17", Statement: [denyStatement(mutate)] };
      const result = await runStackPolicy(s3TlsOnly, stack(document));
      assert.equal(result.violations.length, 1, JSON.stringify(document));
      assert.equal(result.violations[0].urn, urnOf(POLICY, "artifacts-tls-only"));
      assert.match(
        result.violations[0].message,
        /policy does not deny requests without TLS for bucket "artifacts"/,
      );
    }
  });

  it('accepts Principal "*", a boolean false and Action "*"', () => {
    const statement = denyStatement((s) => {
      s.Principal = "*";
      s.Action = "*";
      s.Condition = { Bool: { "aws:SecureTransport": false } };
    });
    assert.ok(enforcesTls({ Version: "2012-10-17", Statement: statement }));
    assert.ok(!enforcesTls("not json"));
  });

  it("defers while the document is unknown (built from the bucket's ARN)", async () => {
    const result = await runStackPolicy(s3TlsOnly, stack(unknown.string));
    assert.deepEqual(messages(result), []);
    assert.match(result.deferred ?? "", /can't run policy 's3-tls-only' during preview/);
  });
});
