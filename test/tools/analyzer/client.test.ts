/**
 * The analyzer client against real packs over gRPC: what the engine sends (options, providers, secrets, stack
 * tags), and Remediate before Analyze with a fixture pack whose policies remediate (fixtures/remediating-pack).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import type { PolicyAnalyzer } from "../../../tools/analyzer/client";
import { startPolicyPack } from "../../../tools/analyzer/launch";
import { ENGINE_UNKNOWN_SENTINEL } from "../../../tools/analyzer/values";
import { captured } from "../../policy/support/e2e";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { throwawayPacks } from "./support/throwaway-pack";

const SIG = "4dabf18193072939515e22adb298388d";
const REMEDIATING_PACK = join(__dirname, "fixtures", "remediating-pack");

describe("analyzer client: a pack over gRPC", function () {
  this.timeout(60_000);
  const pack = throwawayPacks("analyzer-client-");

  it("drives a pack over gRPC and leaves no process behind after close()", async () => {
    const packDir = pack(
      "tiny",
      `const { PolicyPack } = require("@pulumi/policy");
       new PolicyPack("tiny", { policies: [{
         name: "echo", description: "Echoes what it sees.", enforcementLevel: "mandatory",
         configSchema: { properties: { label: { type: "string", default: "dflt" } } },
         validateResource: (args, report) => report(JSON.stringify({
           label: args.getConfig().label, protect: args.opts.protect, ignore: args.opts.ignoreChanges,
           create: args.opts.customTimeouts.createSeconds, parent: args.opts.parent, tags: [...args.stackTags.keys()],
           provider: args.provider && args.provider.props.region, props: args.props })),
       }, {
         name: "count", description: "Counts.", enforcementLevel: "advisory",
         validateStack: (args, report) => report(String(args.resources.filter((r) => r.parent).length)),
       }] });`,
    );
    const analyzer = await startPolicyPack({
      policyPackDir: packDir,
      stack: { project: "p", stack: "s", tags: { team: "ml" } },
    });
    const pid = analyzer.pid!;
    try {
      await analyzer.configure({ echo: "advisory" });
      const provider = captured("pulumi:providers:aws", "east", { region: "us-east-1" });
      const child = captured(
        AWS_TYPES.s3Bucket,
        "b",
        {
          acl: "private",
          gone: undefined,
          secret: { [SIG]: "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" },
        },
        {
          options: {
            protect: true,
            ignoreChanges: ["tags"],
            customTimeouts: { create: "2m" },
            provider: `${provider.urn}::east-id`,
          },
        },
      );
      const report = await analyzer.analyzeCapturedStack([provider, child]);
      const echoes = report.violations.filter((v) => v.policyName === "echo");
      assert.equal(echoes.length, 2);
      const seen = JSON.parse(echoes[1].message.split("\n")[1]);
      assert.deepEqual(seen, {
        label: "dflt",
        protect: true,
        ignore: ["tags"],
        create: 120,
        parent: child.parent,
        tags: ["team"],
        provider: "us-east-1",
        // Secrets travel as the engine sends them (KeepSecrets) and reach policies unwrapped.
        props: { acl: "private", secret: "hunter2" },
      });
      assert.equal(echoes[1].enforcementLevel, "advisory");
      assert.equal(echoes[1].urn, child.urn);
      const [count] = report.violations.filter((v) => v.policyName === "count");
      assert.equal(count.phase, "analyzeStack");
    } finally {
      await analyzer.close();
    }
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
  });
});

describe("analyzer client: Remediate before Analyze, as the engine does", function () {
  this.timeout(60_000);
  let analyzer: PolicyAnalyzer;
  before(async () => {
    analyzer = await startPolicyPack({ policyPackDir: REMEDIATING_PACK });
  });
  after(() => analyzer?.close());
  beforeEach(() => analyzer.configure());

  const logGroup = (retentionInDays?: number) =>
    captured(AWS_TYPES.cloudwatchLogGroup, "logs", {
      name: "/aws/lambda/f",
      ...(retentionInDays === undefined ? {} : { retentionInDays }),
    });
  const instance = (inputs: Record<string, unknown>) =>
    captured(AWS_TYPES.ec2Instance, "host", { instanceType: "t3.micro", ...inputs });

  it("remediates a failing resource, reporting the change, and the remediated inputs then pass Analyze", async () => {
    const failing = logGroup(7);
    const result = await analyzer.remediate(failing);
    assert.equal(result.remediations.length, 1);
    const [fix] = result.remediations;
    assert.equal(fix.policyName, "log-retention-30-days");
    assert.equal(fix.policyPackName, "remediating");
    assert.equal(fix.urn, failing.urn);
    assert.deepEqual(fix.changes, [{ path: "retentionInDays", kind: "change", before: 7, after: 30 }]);
    assert.deepEqual(result.properties, { name: "/aws/lambda/f", retentionInDays: 30 });

    const asGiven = await analyzer.analyze(failing);
    assert.deepEqual(
      asGiven.violations.map((v) => [v.policyName, v.enforcementLevel]),
      // A remediate-level policy that still finds a violation is reported as mandatory by @pulumi/policy.
      [["log-retention-30-days", "mandatory"]],
    );
    const remediated = await analyzer.analyze({ ...failing, inputs: result.properties });
    assert.deepEqual(remediated.violations, []);
  });

  it("adds a missing property, and leaves a compliant resource alone", async () => {
    const added = await analyzer.remediate(logGroup());
    assert.deepEqual(added.remediations[0].changes, [{ path: "retentionInDays", kind: "add", after: 30 }]);
    const compliant = await analyzer.remediate(logGroup(90));
    assert.deepEqual(compliant.remediations, []);
    assert.deepEqual(compliant.properties, { name: "/aws/lambda/f", retentionInDays: 90 });
  });

  it("feeds each remediation the previous one's result, so each reports only its own change", async () => {
    const result = await analyzer.remediate(
      instance({ metadataOptions: { httpTokens: "optional", httpEndpoint: "enabled" } }),
    );
    assert.deepEqual(
      result.remediations.map((r) => [r.policyName, r.changes]),
      [
        [
          "instance-imdsv2",
          [{ path: "metadataOptions.httpTokens", kind: "change", before: "optional", after: "required" }],
        ],
        ["instance-no-public-ip", [{ path: "associatePublicIpAddress", kind: "add", after: false }]],
      ],
    );
    assert.deepEqual(result.properties, {
      instanceType: "t3.micro",
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
      associatePublicIpAddress: false,
    });
  });

  it("runs no remediation for a policy configured at another level", async () => {
    await analyzer.configure({ "log-retention-30-days": "mandatory" });
    const result = await analyzer.remediate(logGroup(7));
    assert.deepEqual(result.remediations, []);
    assert.deepEqual(result.properties, { name: "/aws/lambda/f", retentionInDays: 7 });
  });

  it("remediates a captured stack only when a policy is at the remediate level in the config sent", async () => {
    await analyzer.configure({ all: "mandatory" });
    const strict = await analyzer.analyzeCapturedStack([logGroup(7)]);
    assert.deepEqual(strict.remediations, []);
    assert.deepEqual(
      strict.violations.map((v) => [v.policyName, v.enforcementLevel]),
      [["log-retention-30-days", "mandatory"]],
    );
    await analyzer.configure({ all: "mandatory", "log-retention-30-days": "remediate" });
    const fixed = await analyzer.analyzeCapturedStack([logGroup(7)]);
    assert.deepEqual(
      fixed.remediations.map((r) => r.policyName),
      ["log-retention-30-days"],
    );
    assert.deepEqual(fixed.violations, []);
  });

  it("reports a remediation that reads an unknown value as an advisory finding, and deploys the inputs as given", async () => {
    const result = await analyzer.remediate(instance({ metadataOptions: ENGINE_UNKNOWN_SENTINEL }));
    assert.deepEqual(
      result.skipped.map((v) => [v.policyName, v.enforcementLevel, v.phase, v.skippedOnUnknown]),
      [
        ["instance-imdsv2", "advisory", "remediate", true],
        ["instance-no-public-ip", "advisory", "remediate", true],
      ],
    );
    assert.match(result.skipped[0].message, /^can't run remediation 'instance-imdsv2' from policy pack/);
    assert.deepEqual(result.remediations, []);
    assert.deepEqual(result.properties, {
      instanceType: "t3.micro",
      metadataOptions: ENGINE_UNKNOWN_SENTINEL,
    });
  });

  it("analyzes a captured stack on its remediated inputs, and AnalyzeStack sees the remediated outputs", async () => {
    const logs = logGroup(7);
    const host = instance({ metadataOptions: { httpTokens: "required" }, associatePublicIpAddress: false });
    const analysis = await analyzer.analyzeCapturedStack([logs, host]);
    assert.deepEqual(analysis.violations, []);
    assert.deepEqual(
      analysis.remediations.map((r) => [r.policyName, r.urn]),
      [["log-retention-30-days", logs.urn]],
    );
    assert.equal(analysis.resources[0].inputs.retentionInDays, 30);
    assert.equal(analysis.resources[0].outputs.retentionInDays, 30);
    assert.equal(analysis.resources[0].outputs.id, "logs-id", "outputs the remediation did not touch stay");
    assert.equal(analysis.resources[1], host, "a resource without remediation is analyzed as captured");

    const withoutRemediation = await analyzer.analyzeCapturedStack([logs, host], { remediate: false });
    assert.deepEqual(
      withoutRemediation.violations.map((v) => v.policyName),
      ["log-retention-30-days"],
    );
  });
});
