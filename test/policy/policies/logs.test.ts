import { strict as assert } from "node:assert";
import { logGroupRetentionEncryption as policy } from "@ml-platform/policy/policies/logs";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** The inference function's log group as prod creates it: compliant under every config. */
function group(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    name: "/aws/lambda/inference",
    retentionInDays: 90,
    kmsKeyId: KEY,
  };
  mutate(props);
  return { type: AWS_TYPES.cloudwatchLogGroup, name: "inference-logs", props };
}

const PROD = { maxRetentionDays: 365, requireKmsKey: true };
const run = (g: ReturnType<typeof group>, config?: Record<string, unknown>) =>
  runResourcePolicy(policy, g, { config });

describe("log-group-retention-encryption", () => {
  it("passes a group with retention in range and a key, under default and prod config", async () => {
    assert.deepEqual(messages(await run(group())), []);
    assert.deepEqual(messages(await run(group(), PROD)), []);
  });

  it("reports retention that is unset or 0 (kept forever)", async () => {
    const [unset] = messages(await run(group((p) => delete p.retentionInDays)));
    assert.match(
      unset,
      /LogGroup "inference-logs": retentionInDays is unset: the logs are kept, and billed, forever/,
    );
    const [never] = messages(await run(group((p) => (p.retentionInDays = 0))));
    assert.match(never, /retentionInDays is 0: the logs are kept/);
  });

  it("reports retention outside the configured range", async () => {
    const [long] = messages(
      await run(
        group((p) => (p.retentionInDays = 731)),
        PROD,
      ),
    );
    assert.match(long, /retentionInDays is 731 days, outside the allowed 1 to 365/);
    const [short] = messages(
      await run(
        group((p) => (p.retentionInDays = 7)),
        { minRetentionDays: 30 },
      ),
    );
    assert.match(short, /retentionInDays is 7 days, outside the allowed 30 to 365/);
  });

  it("requires a KMS key only where requireKmsKey is on", async () => {
    const plain = group((p) => delete p.kmsKeyId);
    assert.deepEqual(messages(await run(plain)), []);
    const [message] = messages(await run(plain, PROD));
    assert.match(
      message,
      /kmsKeyId is unset: the logs are encrypted only with a key CloudWatch Logs manages/,
    );
  });

  it("fails closed on unknown retention, and counts an unknown key ARN as set", async () => {
    const [retention] = messages(await run(group((p) => (p.retentionInDays = unknown.number))));
    assert.match(retention, /retentionInDays is unknown during preview, and this policy fails closed/);
    const keyed = await run(
      group((p) => (p.kmsKeyId = unknown.string)),
      PROD,
    );
    assert.deepEqual(messages(keyed), []);
    assert.equal(keyed.deferred, undefined);
  });

  it("reports a minimum above the maximum as invalid config, and checks with the defaults", async () => {
    const result = await run(
      group((p) => delete p.kmsKeyId),
      { minRetentionDays: 400, maxRetentionDays: 30, requireKmsKey: true },
    );
    const all = messages(result);
    assert.equal(all.length, 1, all.join("\n"));
    assert.match(all[0], /minRetentionDays \(400\) must not exceed maxRetentionDays \(30\)/);
  });
});
