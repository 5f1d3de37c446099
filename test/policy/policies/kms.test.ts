import { strict as assert } from "node:assert";
import { kmsKeyRotation } from "@ml-platform/policy/policies/kms";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/** A customer managed symmetric key as the components create it: compliant. */
function key(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props: Record<string, any> = {
    description: "Encrypts the notebook volume",
    enableKeyRotation: true,
    deletionWindowInDays: 30,
  };
  mutate(props);
  return { type: AWS_TYPES.kmsKey, name: "notebook-key", props };
}

const run = (k: ReturnType<typeof key>, config?: Record<string, unknown>) =>
  runResourcePolicy(kmsKeyRotation, k, { config });

describe("kms-key-rotation", () => {
  it("passes a rotating symmetric key, with the default period or a shorter one", async () => {
    assert.deepEqual(messages(await run(key())), []);
    assert.deepEqual(messages(await run(key((p) => (p.rotationPeriodInDays = 180)))), []);
    assert.deepEqual(messages(await run(key((p) => (p.customerMasterKeySpec = "SYMMETRIC_DEFAULT")))), []);
  });

  it("reports rotation that is off or unset, on enableKeyRotation", async () => {
    const [off] = messages(await run(key((p) => (p.enableKeyRotation = false))));
    assert.match(off, /Key "notebook-key": enableKeyRotation is false: the key's material is never rotated/);
    const [unset] = messages(await run(key((p) => delete p.enableKeyRotation)));
    assert.match(unset, /enableKeyRotation is unset \(false\).*Fix: set enableKeyRotation to true/);
  });

  it("reports a rotation period longer than the configured maximum", async () => {
    const long = key((p) => (p.rotationPeriodInDays = 730));
    const [message] = messages(await run(long));
    assert.match(message, /rotationPeriodInDays is 730 days, longer than the allowed 365/);
    assert.deepEqual(messages(await run(long, { maxRotationPeriodDays: 730 })), []);
  });

  it("does not apply to keys AWS cannot rotate: asymmetric, HMAC, custom key store", async () => {
    for (const mutate of [
      (p: Record<string, any>) => (p.customerMasterKeySpec = "RSA_2048"),
      (p: Record<string, any>) => (p.customerMasterKeySpec = "HMAC_256"),
      (p: Record<string, any>) => (p.keyUsage = "SIGN_VERIFY"),
      (p: Record<string, any>) => (p.customKeyStoreId = "cks-1234567890abcdef0"),
    ]) {
      const result = await run(
        key((p) => {
          mutate(p);
          p.enableKeyRotation = false;
        }),
      );
      assert.deepEqual(messages(result), []);
      assert.match(result.notApplicable ?? "", /AWS cannot rotate this key automatically/);
    }
  });

  it("fails closed on an unknown rotation flag", async () => {
    const [message] = messages(await run(key((p) => (p.enableKeyRotation = unknown.boolean))));
    assert.match(message, /enableKeyRotation is unknown during preview, and this policy fails closed/);
  });

  it("does not check other resource types", async () => {
    const result = await runResourcePolicy(kmsKeyRotation, {
      type: AWS_TYPES.kmsAlias,
      props: { name: "alias/x" },
    });
    assert.ok(result.notApplicable !== undefined);
  });
});
