/**
 * Both real stacks under the mock runtime: instance metadata, encryption, public access, network exposure, and
 * which resources are protected from deletion.
 */
import { strict as assert } from "node:assert";
import { DEFAULT_STATEFUL_TYPES } from "@ml-platform/policy/policies/protect";
import { TYPES as T } from "../support/type-tokens";
import { realStacks, type Graph } from "./support/real-stacks";

describe("the program with the real stack files", function () {
  this.timeout(240_000);
  let dev: Graph;
  let prod: Graph;
  before(async () => {
    ({ dev, prod } = await realStacks());
  });

  describe("hardening", () => {
    it("IMDSv2 on the notebook and the training host", () => {
      for (const graph of [dev, prod]) {
        assert.deepEqual(graph.one(T.notebook).inputs.instanceMetadataServiceConfiguration, {
          minimumInstanceMetadataServiceVersion: "2",
        });
        assert.equal(
          (graph.one(T.instance).inputs.metadataOptions as { httpTokens: string }).httpTokens,
          "required",
        );
        assert.equal(graph.one(T.notebook).inputs.rootAccess, "Disabled");
      }
    });

    it("encryption: bucket SSE, notebook KMS, encrypted gp3 root volume", () => {
      for (const graph of [dev, prod]) {
        assert.deepEqual(
          graph.one(T.sse, `ml-platform-${graph.stack.stack}-artifacts-encryption`).inputs.rules,
          [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        );
        assert.equal(
          graph.one(T.notebook).inputs.kmsKeyId,
          graph.one(T.key, `ml-platform-${graph.stack.stack}-notebook-key`).outputs.arn,
        );
        const root = graph.one(T.instance).inputs.rootBlockDevice as Record<string, unknown>;
        assert.deepEqual([root.volumeType, root.encrypted], ["gp3", true]);
        for (const key of graph.ofType(T.key)) assert.equal(key.inputs.enableKeyRotation, true);
      }
    });

    it("the bucket blocks public access and refuses non-TLS requests", () => {
      for (const graph of [dev, prod]) {
        const pab = graph.one(T.pab, `ml-platform-${graph.stack.stack}-artifacts-public-access-block`).inputs;
        assert.deepEqual(
          [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
          [true, true, true, true],
        );
        const deny = graph.statements(
          graph.one(T.bucketPolicy, `ml-platform-${graph.stack.stack}-artifacts-tls-only`),
        )[0]!;
        assert.deepEqual(
          [deny.Effect, deny.Condition],
          ["Deny", { Bool: { "aws:SecureTransport": "false" } }],
        );
      }
    });

    it("security groups: no ingress in dev, SSH only from the VPN range in prod, explicit HTTPS egress", () => {
      assert.equal(dev.ofType(T.ingress).length, 0);
      const ssh = prod.one(T.ingress);
      assert.deepEqual(
        [ssh.inputs.ipProtocol, ssh.inputs.fromPort, ssh.inputs.toPort, ssh.inputs.cidrIpv4],
        ["tcp", 22, 22, "10.20.0.0/16"],
      );
      assert.equal(ssh.inputs.securityGroupId, prod.one(T.sg).outputs.id);
      for (const graph of [dev, prod]) {
        assert.equal(graph.one(T.sg).inputs.ingress, undefined);
        assert.equal(graph.one(T.egress).inputs.fromPort, 443);
      }
      assert.equal(prod.one(T.instance).inputs.associatePublicIpAddress, false);
      assert.equal(prod.one(T.sg).inputs.vpcId, "vpc-0e1f2a3b4c5d6e7f8");
    });

    it("prod's notebook is VPC-only; dev's uses SageMaker's network", () => {
      const notebook = prod.one(T.notebook);
      assert.equal(notebook.inputs.directInternetAccess, "Disabled");
      assert.equal(notebook.inputs.subnetId, "subnet-0a3f9c1d7e5b24680");
      assert.deepEqual(notebook.inputs.securityGroups, ["sg-0c4e8a2f6b1d39570"]);
      assert.equal(dev.one(T.notebook).inputs.directInternetAccess, "Enabled");
    });

    it("the training host ignores AMI changes in both stacks", () => {
      for (const graph of [dev, prod]) assert.deepEqual(graph.one(T.instance).options.ignoreChanges, ["ami"]);
    });
  });

  describe("protection", () => {
    it("prod protects exactly the bucket, the notebook and the KMS keys, as the policy pack requires", () => {
      // `protect` on a component is inherited by every child, which would block replacing a role, a policy or a
      // lifecycle configuration: only resources holding data or keys may carry it.
      const protectedResources = prod.stack.resources.filter((r) => r.options.protect);
      assert.deepEqual(
        new Set(protectedResources.map((r) => r.type)),
        new Set([T.bucket, T.notebook, T.key]),
      );
      assert.equal(protectedResources.filter((r) => r.type === T.key).length, prod.ofType(T.key).length);
      // The pack's stateful-resources-protected agrees: every stateful resource is protected, nothing else is.
      const stateful = prod.stack.resources.filter((r) => DEFAULT_STATEFUL_TYPES.includes(r.type));
      assert.deepEqual(
        stateful.map((r) => r.urn),
        protectedResources.map((r) => r.urn),
      );
    });

    it("dev protects nothing, so a sandbox can be torn down", () => {
      assert.deepEqual(
        dev.stack.resources.filter((r) => r.options.protect).map((r) => r.name),
        [],
      );
    });
  });
});
