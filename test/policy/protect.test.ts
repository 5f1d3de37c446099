import { strict as assert } from "node:assert";
import { statefulResourcesProtected } from "../../policy/policies/protect";
import { messages, runResourcePolicy } from "./support/harness";

describe("stateful-resources-protected", () => {
  const bucket = (protect: boolean | undefined) => ({
    type: "aws:s3/bucket:Bucket",
    name: "artifacts",
    props: { forceDestroy: false },
    opts: protect === undefined ? {} : { protect },
  });

  it("passes a protected bucket, notebook and key", async () => {
    for (const type of [
      "aws:s3/bucket:Bucket",
      "aws:sagemaker/notebookInstance:NotebookInstance",
      "aws:kms/key:Key",
    ]) {
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
      type: "aws:lambda/function:Function",
      props: {},
    });
    assert.ok(lambda.notApplicable);
    const config = { statefulTypes: ["aws:kms/key:Key"] };
    const result = await runResourcePolicy(statefulResourcesProtected, bucket(false), { config });
    assert.deepEqual(messages(result), []);
    assert.match(result.notApplicable ?? "", /not in statefulTypes/);
  });

  it("reports a statefulTypes entry it cannot check instead of ignoring it, and checks with the defaults", async () => {
    const config = { statefulTypes: ["aws:s3/bucket:Bucket", "aws:opensearch/domain:Domain"] };
    const texts = messages(await runResourcePolicy(statefulResourcesProtected, bucket(false), { config }));
    assert.equal(texts.length, 2);
    assert.match(
      texts[0],
      /policy config "stateful-resources-protected" is invalid: statefulTypes entry "aws:opensearch\/domain:Domain" is not a type this policy can check/,
    );
    assert.match(texts[1], /protect \(resource option\) is not set/);
  });
});
