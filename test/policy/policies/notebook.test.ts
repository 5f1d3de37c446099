import { strict as assert } from "node:assert";
import {
  notebookImdsv2,
  notebookKmsEncryption,
  notebookNoDirectInternet,
  notebookNoRootAccess,
} from "@ml-platform/policy/policies/notebook";
import { exemptionTagKey } from "@ml-platform/policy/framework";
import { compliantNotebookInputs as compliant } from "../support/fixtures";
import { messages, runResourcePolicy, unknown } from "../support/harness";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const NOTEBOOK = AWS_TYPES.sagemakerNotebookInstance;

function notebook(mutate: (p: Record<string, any>) => void = () => undefined) {
  const props = compliant();
  mutate(props);
  return { type: NOTEBOOK, name: "explore", props };
}

describe("notebook hardening policies", () => {
  const all = [notebookNoDirectInternet, notebookNoRootAccess, notebookImdsv2, notebookKmsEncryption];

  it("passes the compliant notebook on every rule", async () => {
    for (const policy of all) {
      const result = await runResourcePolicy(policy, notebook());
      assert.deepEqual(messages(result), [], policy.name);
      assert.equal(result.deferred, undefined);
    }
  });

  it("is not applicable to other resource types", async () => {
    for (const policy of all) {
      const result = await runResourcePolicy(policy, { type: AWS_TYPES.s3Bucket, props: {} });
      assert.ok(result.notApplicable, policy.name);
    }
  });

  describe("notebook-no-direct-internet", () => {
    it("reports Enabled, naming the resource, the property and the fix", async () => {
      const [message] = messages(
        await runResourcePolicy(
          notebookNoDirectInternet,
          notebook((p) => (p.directInternetAccess = "Enabled")),
        ),
      );
      assert.match(message, /aws:sagemaker\/notebookInstance:NotebookInstance "explore"/);
      assert.match(message, /directInternetAccess is "Enabled"/);
      assert.match(message, /Fix: set directInternetAccess to "Disabled"/);
    });

    it("reports an unset value as the AWS default, Enabled", async () => {
      const result = await runResourcePolicy(
        notebookNoDirectInternet,
        notebook((p) => delete p.directInternetAccess),
      );
      assert.equal(result.violations.length, 1);
      assert.match(messages(result)[0], /unset, which means Enabled/);
    });

    it("fails closed on an unknown value", async () => {
      const result = await runResourcePolicy(
        notebookNoDirectInternet,
        notebook((p) => (p.directInternetAccess = unknown.string)),
      );
      assert.equal(result.deferred, undefined);
      assert.match(
        messages(result)[0],
        /directInternetAccess is unknown during preview, and this policy fails closed/,
      );
    });
  });

  describe("notebook-no-root-access", () => {
    it("reports Enabled and unset", async () => {
      for (const mutate of [(p: any) => (p.rootAccess = "Enabled"), (p: any) => delete p.rootAccess]) {
        const result = await runResourcePolicy(notebookNoRootAccess, notebook(mutate));
        assert.equal(result.violations.length, 1);
        assert.match(messages(result)[0], /rootAccess .*notebook users get root/);
      }
    });

    it("fails closed on an unknown value", async () => {
      const result = await runResourcePolicy(
        notebookNoRootAccess,
        notebook((p) => (p.rootAccess = unknown.string)),
      );
      assert.match(messages(result)[0], /fails closed/);
    });
  });

  describe("notebook-imdsv2", () => {
    it('reports version "1", an unset version and an unset block', async () => {
      const mutations = [
        (p: any) => (p.instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion = "1"),
        (p: any) => (p.instanceMetadataServiceConfiguration = {}),
        (p: any) => delete p.instanceMetadataServiceConfiguration,
      ];
      for (const mutate of mutations) {
        const result = await runResourcePolicy(notebookImdsv2, notebook(mutate));
        assert.equal(result.violations.length, 1);
        assert.match(messages(result)[0], /minimumInstanceMetadataServiceVersion .*IMDSv1 stays reachable/);
      }
    });

    it("fails closed when the configuration block is unknown", async () => {
      const result = await runResourcePolicy(
        notebookImdsv2,
        notebook((p) => (p.instanceMetadataServiceConfiguration = unknown.object)),
      );
      assert.match(messages(result)[0], /fails closed/);
    });
  });

  describe("notebook-kms-encryption", () => {
    it("reports a missing or empty key", async () => {
      for (const mutate of [(p: any) => delete p.kmsKeyId, (p: any) => (p.kmsKeyId = " ")]) {
        const result = await runResourcePolicy(notebookKmsEncryption, notebook(mutate));
        assert.match(messages(result)[0], /kmsKeyId is unset/);
      }
    });

    it("defers on a key ARN that is unknown during preview", async () => {
      const result = await runResourcePolicy(
        notebookKmsEncryption,
        notebook((p) => (p.kmsKeyId = unknown.string)),
      );
      assert.deepEqual(result.violations, []);
      assert.match(result.deferred ?? "", /can't run policy 'notebook-kms-encryption' during preview/);
    });
  });

  it("honours an exemption tag with a reason and reports one without", async () => {
    const exempt = notebook((p) => {
      p.rootAccess = "Enabled";
      p.tags = {
        [exemptionTagKey("notebook-no-root-access")]: "GPU driver install needs root; ticket ML-42",
      };
    });
    assert.deepEqual(messages(await runResourcePolicy(notebookNoRootAccess, exempt)), []);

    const noReason = notebook((p) => {
      p.rootAccess = "Enabled";
      p.tags = { [exemptionTagKey("notebook-no-root-access")]: "" };
    });
    const result = messages(await runResourcePolicy(notebookNoRootAccess, noReason));
    assert.equal(result.length, 2);
    assert.ok(result.some((m) => /without a written reason/.test(m)));
  });
});
