/**
 * The stateful-type table is one list: every data- or key-holding type the pack requires protected is also what
 * the change preview warns about when a change deletes it, and the other way round.
 */
import { strict as assert } from "node:assert";
import { STATEFUL_TYPES } from "@ml-platform/aws-facts/stateful-types";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { statefulResourcesProtected } from "@ml-platform/policy/policies/protect";
import { captured } from "../policy/support/e2e";
import { messages, runResourcePolicy } from "../policy/support/harness";
import { diffGraphs } from "../../tools/preview/diff/engine";
import { diffWarnings } from "../../tools/preview/diff/warnings";

/**
 * Types whose deletion loses data or the key to it (S3 bucket deletion, notebook storage, KMS key deletion, ECR
 * repository, EBS volume, EFS file system, DynamoDB table, RDS instance and cluster deletion, per the AWS pages
 * cited in the table).
 */
const DATA_HOLDING = [
  AWS_TYPES.s3Bucket,
  AWS_TYPES.s3BucketV2,
  AWS_TYPES.sagemakerNotebookInstance,
  AWS_TYPES.kmsKey,
  AWS_TYPES.ecrRepository,
  AWS_TYPES.ebsVolume,
  AWS_TYPES.efsFileSystem,
  AWS_TYPES.dynamodbTable,
  AWS_TYPES.rdsInstance,
  AWS_TYPES.rdsCluster,
];

function deletionWarnings(type: string) {
  const before = [captured(type, "data", {})];
  const { diffs, effectiveInputs } = diffGraphs(before, []);
  return diffWarnings(diffs, new Map(before.map((r) => [r.urn, r])), new Map(), effectiveInputs);
}

describe("aws-facts/stateful-types", () => {
  it("lists every data- or key-holding type, each with what it loses and an https source", () => {
    assert.deepEqual(Object.keys(STATEFUL_TYPES).sort(), [...DATA_HOLDING].sort());
    for (const [type, entry] of Object.entries(STATEFUL_TYPES)) {
      assert.ok(entry.loses.length > 10, type);
      assert.match(entry.source, /^https:\/\/docs\.aws\.amazon\.com\//, type);
    }
  });

  for (const type of DATA_HOLDING) {
    it(`${type}: the pack requires protect and the preview warns on its deletion`, async () => {
      const found = messages(
        await runResourcePolicy(statefulResourcesProtected, { type, name: "data", props: {} }),
      );
      assert.equal(found.length, 1);
      assert.match(found[0], /protect \(resource option\) is not set on a stateful resource/);
      assert.ok(found[0].includes(STATEFUL_TYPES[type].loses));
      const warnings = deletionWarnings(type).filter((w) => w.kind === "stateful");
      assert.equal(warnings.length, 1, "no stateful warning");
      assert.match(warnings[0].message, /stateful data would be deleted/);
    });
  }

  it("a stateless type gets neither", async () => {
    const result = await runResourcePolicy(statefulResourcesProtected, {
      type: AWS_TYPES.lambdaFunction,
      props: {},
    });
    assert.ok(result.notApplicable);
    assert.deepEqual(
      deletionWarnings(AWS_TYPES.lambdaFunction).filter((w) => w.kind === "stateful"),
      [],
    );
  });
});
