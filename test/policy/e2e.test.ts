/**
 * End-to-end: the compiled pack is started exactly as the Pulumi CLI starts it (run-policy-pack in policy/) and
 * driven over the analyzer gRPC protocol by tools/analyzer/. This catches what unit tests cannot:
 * load failures, metadata the CLI would reject, config that does not reach the policies, unknown values as the
 * engine marshals them.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allPolicies } from "@ml-platform/policy/policies";
import { exemptionTagKey } from "@ml-platform/policy/framework";
import { ENGINE_UNKNOWN_SENTINEL, type PolicyViolation } from "../../tools/analyzer";
import { captured, POLICY_DIR, usePolicyPack } from "./support/e2e";
import { compliantNotebookInputs as notebookInputs } from "./support/fixtures";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const NOTEBOOK = AWS_TYPES.sagemakerNotebookInstance;
const BUCKET = AWS_TYPES.s3Bucket;
const BLOCK = AWS_TYPES.s3BucketPublicAccessBlock;

const protectedNotebook = (inputs: Record<string, unknown>, name = "explore") =>
  captured(NOTEBOOK, name, inputs, { options: { protect: true } });

const byPolicy = (violations: readonly PolicyViolation[], name: string) =>
  violations.filter((v) => v.policyName === name);

describe("policy pack end to end (CLI runner + gRPC)", function () {
  this.timeout(180_000);
  const pack = usePolicyPack({
    project: "ml-platform",
    stack: "dev",
    tags: { "ml-platform:environment": "dev" },
  });

  it("loads under the CLI's runner and reports every policy with its metadata and configSchema", async () => {
    const info = await pack().getAnalyzerInfo();
    const pkg = JSON.parse(readFileSync(join(POLICY_DIR, "package.json"), "utf8"));
    assert.equal(info.name, "ml-platform");
    assert.equal(info.version, pkg.version);
    assert.ok(info.supportsConfig);
    assert.deepEqual(
      info.policies.map((p) => p.name),
      allPolicies.map((p) => p.name),
    );
    for (const policy of allPolicies) {
      const served = info.policies.find((p) => p.name === policy.name)!;
      assert.equal(served.description, policy.description, policy.name);
      assert.equal(served.enforcementLevel, policy.enforcementLevel, policy.name);
      assert.equal(served.severity, policy.severity, policy.name);
      assert.equal(served.remediationSteps, policy.remediationSteps, policy.name);
      assert.match(served.url ?? "", new RegExp(`#${policy.name}$`), policy.name);
      // The runtime counts a policy with a remediateResource as a resource policy (isResourcePolicy in
      // @pulumi/policy's policy.js), stack rules that remediate single resources included.
      const servedAsStack = "validateStack" in policy && !("remediateResource" in policy);
      assert.equal(served.type, servedAsStack ? "stack" : "resource", policy.name);
      // Every configurable property carries its default through the protocol (a Struct round trip).
      assert.deepEqual(
        served.configSchema?.properties,
        JSON.parse(JSON.stringify(policy.configSchema?.properties)),
      );
    }
  });

  it("Configure sends every policy's level and schema defaults, as the CLI does", async () => {
    const sent = await pack().configure();
    for (const policy of allPolicies) {
      const entry = sent.config[policy.name];
      assert.equal(entry.enforcementLevel, policy.enforcementLevel, policy.name);
      for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        assert.deepEqual(
          entry.properties?.[key],
          (schema as { default: unknown }).default,
          `${policy.name}.${key}`,
        );
      }
    }
  });

  it("Analyze: a compliant resource yields nothing, a violating one the expected violation", async () => {
    await pack().configure();
    const clean = await pack().analyze(protectedNotebook(notebookInputs()));
    assert.deepEqual(clean.violations, []);

    const rooted = await pack().analyze(protectedNotebook({ ...notebookInputs(), rootAccess: "Enabled" }));
    assert.equal(rooted.violations.length, 1);
    const [v] = rooted.violations;
    assert.equal(v.policyName, "notebook-no-root-access");
    assert.equal(v.policyPackName, "ml-platform");
    assert.equal(v.enforcementLevel, "advisory");
    assert.equal(v.severity, "medium");
    assert.equal(
      v.urn,
      "urn:pulumi:dev::ml-platform::aws:sagemaker/notebookInstance:NotebookInstance::explore",
    );
    assert.match(v.message, /NotebookInstance "explore": rootAccess is "Enabled"/);
    assert.ok(v.remediationSteps);
  });

  it("Analyze sees the protect option (stateful-resources-protected)", async () => {
    await pack().configure();
    const result = await pack().analyze(captured(NOTEBOOK, "explore", notebookInputs()));
    assert.deepEqual(
      result.violations.map((v) => v.policyName),
      ["stateful-resources-protected"],
    );
  });

  it("Analyze: unknown values fail closed or defer per policy", async () => {
    await pack().configure({ all: "mandatory" });
    const failClosed = await pack().analyze(
      protectedNotebook({ ...notebookInputs(), rootAccess: ENGINE_UNKNOWN_SENTINEL }),
    );
    const [closed] = byPolicy(failClosed.violations, "notebook-no-root-access");
    assert.equal(closed.enforcementLevel, "mandatory");
    assert.equal(closed.skippedOnUnknown, false);
    assert.match(closed.message, /rootAccess is unknown during preview, and this policy fails closed/);

    const deferred = await pack().analyze(
      protectedNotebook({ ...notebookInputs(), kmsKeyId: ENGINE_UNKNOWN_SENTINEL }),
    );
    const [skipped] = byPolicy(deferred.violations, "notebook-kms-encryption");
    // The runtime downgrades a policy that hit an unknown to advisory, even under `all: mandatory`.
    assert.equal(skipped.enforcementLevel, "advisory");
    assert.equal(skipped.skippedOnUnknown, true);
  });

  it("AnalyzeStack runs stack rules over outputs and property dependencies", async () => {
    await pack().configure();
    const bucket = captured(BUCKET, "artifacts", { forceDestroy: false }, { options: { protect: true } });
    const lonely = await pack().analyzeStack([bucket]);
    const [missing] = byPolicy(lonely.violations, "s3-public-access-block");
    assert.equal(missing.urn, bucket.urn);
    assert.equal(missing.phase, "analyzeStack");

    const block = captured(
      BLOCK,
      "artifacts-pab",
      {
        bucket: "artifacts-id",
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { propertyDependencies: { bucket: [bucket.urn] }, dependencies: [bucket.urn] },
    );
    const locked = await pack().analyzeStack([bucket, block]);
    assert.deepEqual(byPolicy(locked.violations, "s3-public-access-block"), []);
  });

  it("enforcement levels come from policy/config/dev.json and prod.json", async () => {
    const rooted = protectedNotebook({ ...notebookInputs(), rootAccess: "Enabled" });
    await pack().configure(join(POLICY_DIR, "config", "dev.json"));
    const dev = byPolicy((await pack().analyze(rooted)).violations, "notebook-no-root-access");
    assert.equal(dev[0]?.enforcementLevel, "advisory");

    await pack().configure(join(POLICY_DIR, "config", "prod.json"));
    const prod = byPolicy((await pack().analyze(rooted)).violations, "notebook-no-root-access");
    assert.equal(prod[0]?.enforcementLevel, "mandatory");

    // Protection of stateful resources is only advice in dev, but blocks prod.
    const unprotected = captured(NOTEBOOK, "explore", notebookInputs());
    const protectLevel = async () =>
      byPolicy((await pack().analyze(unprotected)).violations, "stateful-resources-protected")[0]
        ?.enforcementLevel;
    assert.equal(await protectLevel(), "mandatory");
    await pack().configure(join(POLICY_DIR, "config", "dev.json"));
    assert.equal(await protectLevel(), "advisory");
  });

  it("an exemption with a reason silences a policy; one without a reason is itself a violation", async () => {
    const rooted = { ...notebookInputs(), rootAccess: "Enabled" };
    await pack().configure({
      "notebook-no-root-access": {
        exemptions: [
          { resource: "legacy", reason: "vendor image needs root until ML-77 lands" },
          { resource: "sloppy" },
        ],
      },
    });
    assert.deepEqual((await pack().analyze(protectedNotebook(rooted, "legacy"))).violations, []);
    const sloppy = (await pack().analyze(protectedNotebook(rooted, "sloppy"))).violations;
    assert.equal(sloppy.length, 2);
    assert.ok(sloppy.some((v) => /without a written reason/.test(v.message)));

    await pack().configure();
    const tagged = protectedNotebook({
      ...rooted,
      tags: { [exemptionTagKey("notebook-no-root-access")]: "vendor image needs root until ML-77 lands" },
    });
    assert.deepEqual((await pack().analyze(tagged)).violations, []);
  });

  it("invalid policy config is rejected before Configure, naming the policy and property", async () => {
    await assert.rejects(
      pack().configure({ "sg-no-public-ingress": { allowedPublicPorts: "443" } }),
      (e: Error & { kind?: string }) =>
        e.kind === "config" && /sg-no-public-ingress: allowedPublicPorts: must be array/.test(e.message),
    );
  });
});
