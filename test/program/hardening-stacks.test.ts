/**
 * The hardening the prod stack file turns on (ml-platform:accessLogs, inference.encryptLogs), as the program
 * creates it under the mock runtime: what the peer-parity policies (s3-access-logging, log-group-retention-encryption)
 * require, wired as AWS documents it.
 */
import { strict as assert } from "node:assert";
import type { CapturedResource, CapturedStack } from "../../tools/lib/resource-graph";
import { runProgram } from "../../tools/lib/program-runner";
import { ensureLambdaBundle } from "./support/bundle";
import { TYPES as T } from "../support/type-tokens";

interface Statement {
  Sid: string;
  Condition?: unknown;
}

function graph(stack: CapturedStack) {
  return {
    ofType: (type: string) => stack.resources.filter((r) => r.type === type),
    one(type: string, name?: string): CapturedResource {
      const found = stack.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      assert.equal(found.length, 1, `expected one ${type}${name ? ` ${name}` : ""}, found ${found.length}`);
      return found[0]!;
    },
  };
}

const statements = (resource: CapturedResource): Statement[] =>
  (JSON.parse(resource.inputs.policy as string) as { Statement: Statement[] }).Statement;
const statement = (resource: CapturedResource, sid: string): Statement => {
  const found = statements(resource).find((s) => s.Sid === sid);
  assert.ok(found, `${resource.name} has no statement ${sid}`);
  return found;
};

describe("the program's hardening in the real stack files", function () {
  this.timeout(240_000);
  let dev: ReturnType<typeof graph>;
  let prod: ReturnType<typeof graph>;
  before(async () => {
    ensureLambdaBundle();
    const [d, p] = await Promise.all([runProgram({ stack: "dev" }), runProgram({ stack: "prod" })]);
    assert.ok(d.ok && p.ok, "the programs run");
    [dev, prod] = [graph(d.stack), graph(p.stack)];
  });

  it("prod logs every bucket request into a protected log bucket; dev has none", () => {
    assert.equal(dev.ofType(T.bucketLogging).length, 0);
    const source = prod.one(T.bucket, "ml-platform-prod-artifacts");
    const logBucket = prod.one(T.bucket, "ml-platform-prod-artifacts-access-logs");
    const delivery = prod.one(T.bucketLogging);
    assert.deepEqual(
      [delivery.inputs.bucket, delivery.inputs.targetBucket, delivery.inputs.targetPrefix],
      [source.outputs.id, logBucket.outputs.id, "access-logs/"],
    );
    assert.deepEqual(delivery.propertyDependencies.targetBucket, [logBucket.urn]);
    assert.equal(logBucket.options.protect, true);
    const [allowLogging] = statements(
      prod.one(T.bucketPolicy, "ml-platform-prod-artifacts-access-logs-policy"),
    );
    assert.deepEqual(allowLogging!.Condition, {
      ArnLike: { "aws:SourceArn": source.outputs.arn },
      StringEquals: { "aws:SourceAccount": "123456789012" },
    });
  });

  it("prod encrypts the function's log group with a protected, rotating key CloudWatch Logs may use", () => {
    assert.equal(dev.one(T.logGroup).inputs.kmsKeyId, undefined);
    const key = prod.one(T.key, "ml-platform-prod-inference-logs-key");
    const group = prod.one(T.logGroup);
    assert.equal(group.inputs.kmsKeyId, key.outputs.arn);
    assert.deepEqual([key.inputs.enableKeyRotation, key.options.protect], [true, true]);
    const logs = statement(key, "CloudWatchLogsUse");
    assert.deepEqual(logs.Condition, {
      ArnEquals: { "kms:EncryptionContext:aws:logs:arn": [group.outputs.arn] },
    });
  });

  it("both stacks' models are network-isolated (the stack files leave enableNetworkIsolation at its default)", () => {
    for (const g of [dev, prod]) assert.equal(g.one(T.model).inputs.enableNetworkIsolation, true);
  });
});
