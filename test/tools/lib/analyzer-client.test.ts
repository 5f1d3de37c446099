import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  durationToSeconds,
  parsePolicyConfig,
  PolicyPackSetupError,
  reconcilePolicyConfig,
  startPolicyPack,
  toEngineValue,
  UNKNOWN,
  type AnalyzerInfo,
  type AnalyzerPolicyInfo,
} from "../../../tools/lib/analyzer-client";
import { captured } from "../../policy/support/e2e";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const REPO = join(__dirname, "..", "..", "..");
const SIG = "4dabf18193072939515e22adb298388d";

function policy(name: string, extra: Partial<AnalyzerPolicyInfo> = {}): AnalyzerPolicyInfo {
  return { name, description: name, enforcementLevel: "advisory", type: "resource", tags: [], ...extra };
}

const info: AnalyzerInfo = {
  name: "pack",
  version: "1.0.0",
  supportsConfig: true,
  initialConfig: {},
  policies: [
    policy("sized", {
      enforcementLevel: "mandatory",
      configSchema: {
        properties: {
          maxSize: { type: "string", default: "2xlarge" },
          families: { type: "array", items: { type: "string" }, default: ["m", "c"] },
          noDefault: { type: "number" },
        },
        required: [],
      },
    }),
    policy("plain"),
  ],
};

describe("analyzer-client: engine marshalling", () => {
  it("drops undefined keys, nulls undefined array slots and rejects non-finite numbers", () => {
    assert.deepEqual(toEngineValue({ a: 1, b: undefined, c: [1, undefined], d: { e: undefined } }), {
      a: 1,
      c: [1, null],
      d: {},
    });
    assert.throws(() => toEngineValue({ n: NaN }), /non-finite/);
  });

  it("turns resource references into their id (else URN) and output values into value or the unknown sentinel", () => {
    const ref = { [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:x", id: "i-123" };
    assert.equal(toEngineValue(ref), "i-123");
    assert.equal(toEngineValue({ ...ref, id: "" }), "urn:x");
    const out = { [SIG]: "d0e6a833031e9bbcd3f4e8bde6ca49a4" };
    assert.equal(toEngineValue(out), UNKNOWN);
    assert.equal(toEngineValue({ ...out, value: "x" }), "x");
    assert.deepEqual(toEngineValue({ ...out, value: "s", secret: true }), {
      [SIG]: "1b47061264138c4ac30d75fd1eb44270",
      value: "s",
    });
  });

  it("parses Go durations into seconds", () => {
    assert.equal(durationToSeconds(undefined), 0);
    assert.equal(durationToSeconds("60m"), 3600);
    assert.equal(durationToSeconds("1h30m"), 5400);
    assert.equal(durationToSeconds("1.5h"), 5400);
    assert.equal(durationToSeconds("250ms"), 0.25);
    assert.throws(() => durationToSeconds("an hour"), /customTimeouts: "an hour" is not a Go duration/);
    assert.throws(() => durationToSeconds("10"), /not a Go duration/);
  });
});

describe("analyzer-client: policy config as the CLI reconciles it", () => {
  it("parses levels and objects, splitting enforcementLevel from properties", () => {
    assert.deepEqual(
      parsePolicyConfig({ all: "mandatory", a: { enforcementLevel: "disabled", x: 1 }, b: {} }),
      {
        all: { enforcementLevel: "mandatory" },
        a: { enforcementLevel: "disabled", properties: { x: 1 } },
      },
    );
  });

  it("rejects bad levels and values, naming every key", () => {
    assert.throws(
      () => parsePolicyConfig({ a: "strict", b: 3, c: { enforcementLevel: "loud" } }),
      (e: PolicyPackSetupError) =>
        e.kind === "config" &&
        e.problems.length === 3 &&
        /"a": "strict" is not a valid enforcement level/.test(e.message) &&
        /"b": 3 is not a valid value/.test(e.message),
    );
    assert.throws(() => parsePolicyConfig([1, 2]), /must be a JSON object/);
  });

  it("fills in schema defaults and the policies' own levels when nothing is given", () => {
    assert.deepEqual(reconcilePolicyConfig(info).config, {
      sized: { enforcementLevel: "mandatory", properties: { maxSize: "2xlarge", families: ["m", "c"] } },
      plain: { enforcementLevel: "advisory" },
    });
  });

  it("applies `all` first, then named entries, merging properties over the defaults", () => {
    const { config, unknownPolicies } = reconcilePolicyConfig(
      info,
      parsePolicyConfig({
        all: "disabled",
        sized: { maxSize: "xlarge" },
        plain: "mandatory",
        gone: "advisory",
      }),
    );
    assert.deepEqual(config.sized, {
      enforcementLevel: "disabled",
      properties: { maxSize: "xlarge", families: ["m", "c"] },
    });
    assert.deepEqual(config.plain, { enforcementLevel: "mandatory" });
    assert.deepEqual(config.all, { enforcementLevel: "disabled" });
    assert.deepEqual(unknownPolicies, ["gone"]);
  });

  it("applies the pack's initial config between defaults and the given config", () => {
    const withInitial = {
      ...info,
      initialConfig: { sized: { enforcementLevel: "advisory" as const, properties: { maxSize: "large" } } },
    };
    assert.deepEqual(reconcilePolicyConfig(withInitial).config.sized, {
      enforcementLevel: "advisory",
      properties: { maxSize: "large", families: ["m", "c"] },
    });
  });

  it("validates the merged properties against each configSchema", () => {
    assert.throws(
      () => reconcilePolicyConfig(info, parsePolicyConfig({ sized: { families: "m", noDefault: "x" } })),
      (e: PolicyPackSetupError) =>
        e.kind === "config" &&
        e.problems.includes("sized: families: must be array") &&
        e.problems.includes("sized: noDefault: must be number"),
    );
  });

  it("rejects properties for a policy the pack does not have (the CLI cannot send them without a level)", () => {
    assert.throws(
      () => reconcilePolicyConfig(info, parsePolicyConfig({ gone: { x: 1 } })),
      /gone: no enforcement level/,
    );
  });
});

describe("analyzer-client: starting packs", function () {
  this.timeout(60_000);
  let dir: string;

  /** A throwaway pack (package.json + index.js) with the repo's node_modules. */
  function pack(name: string, main: string, version = "1.0.0"): string {
    const packDir = join(dir, name);
    mkdirSync(packDir);
    symlinkSync(join(REPO, "node_modules"), join(packDir, "node_modules"), "dir");
    writeFileSync(join(packDir, "package.json"), JSON.stringify({ name, version, main: "index.js" }));
    writeFileSync(join(packDir, "index.js"), main);
    return packDir;
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "analyzer-client-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reports a pack that throws at load as `exited`, with its stderr", async () => {
    const packDir = pack("broken", 'throw new Error("policy module is broken");');
    await assert.rejects(startPolicyPack({ policyPackDir: packDir }), (e: PolicyPackSetupError) => {
      assert.equal(e.kind, "exited");
      assert.match(e.stderr, /policy module is broken/);
      assert.match(e.message, /exited \(code \d+\) before printing its port:[\s\S]*policy module is broken/);
      return true;
    });
  });

  it("reports a pack that prints something other than a port as `bad-output`", async () => {
    const packDir = pack("chatty", 'console.log("hello from the pack"); setInterval(() => {}, 1000);');
    await assert.rejects(startPolicyPack({ policyPackDir: packDir }), (e: PolicyPackSetupError) => {
      assert.equal(e.kind, "bad-output");
      assert.match(e.message, /printed "hello from the pack" instead of its port/);
      return true;
    });
  });

  it("reports a pack that never prints its port as `timeout`, and kills it", async () => {
    const packDir = pack("silent", "setInterval(() => {}, 1000);");
    await assert.rejects(
      startPolicyPack({ policyPackDir: packDir, startupTimeoutMs: 1500 }),
      (e: PolicyPackSetupError) => {
        assert.equal(e.kind, "timeout");
        assert.match(e.message, /printed no port within 1500 ms/);
        return true;
      },
    );
  });

  it("reports a missing pack directory as `spawn`", async () => {
    await assert.rejects(startPolicyPack({ policyPackDir: join(dir, "nowhere") }), /policy pack not found/);
  });

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
