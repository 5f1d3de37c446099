import { strict as assert } from "node:assert";
import { statefulResourcesProtected } from "@ml-platform/policy/policies/protect";
import { messages, runResourcePolicy } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

describe("stateful-resources-protected", () => {
  const bucket = (protect: boolean | undefined) => ({
    type: AWS_TYPES.s3Bucket,
    name: "artifacts",
    props: { forceDestroy: false },
    opts: protect === undefined ? {} : { protect },
  });

  it("passes a protected bucket, notebook and key", async () => {
    for (const type of [AWS_TYPES.s3Bucket, AWS_TYPES.sagemakerNotebookInstance, AWS_TYPES.kmsKey]) {
      const result = await runResourcePolicy(statefulResourcesProtected, {
        type,
        props: {},
        opts: { protect: true },
      });
      assert.deepEqual(messages(result), [], type);
    }
  });

  it("reports an unprotected stateful resource, naming the option and the fix", async () => {
    for (const protect of [false, undefined]) {
      const [message] = messages(await runResourcePolicy(statefulResourcesProtected, bucket(protect)));
      assert.match(
        message,
        /Bucket "artifacts": protect \(resource option\) is not set.*Fix: pass \{ protect: true \}/,
      );
    }
  });

  it("is not applicable to stateless resources, or to types removed from statefulTypes", async () => {
    const lambda = await runResourcePolicy(statefulResourcesProtected, {
      type: AWS_TYPES.lambdaFunction,
      props: {},
    });
    assert.ok(lambda.notApplicable);
    const config = { statefulTypes: [AWS_TYPES.kmsKey] };
    const result = await runResourcePolicy(statefulResourcesProtected, bucket(false), { config });
    assert.deepEqual(messages(result), []);
    assert.match(result.notApplicable ?? "", /not in statefulTypes/);
  });

  it("reports a statefulTypes entry it cannot check instead of ignoring it, and checks with the defaults", async () => {
    const config = { statefulTypes: [AWS_TYPES.s3Bucket, AWS_TYPES.opensearchDomain] };
    const texts = messages(await runResourcePolicy(statefulResourcesProtected, bucket(false), { config }));
    assert.equal(texts.length, 2);
    assert.match(
      texts[0],
      /policy config "stateful-resources-protected" is invalid: statefulTypes entry "aws:opensearch\/domain:Domain" is not a type this policy can check/,
    );
    assert.match(texts[1], /protect \(resource option\) is not set/);
  });
});
