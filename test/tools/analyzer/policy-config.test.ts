import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PolicyPackSetupError } from "../../../tools/analyzer/errors";
import {
  listPolicyConfigStacks,
  parsePolicyConfig,
  readPolicyConfigFile,
  readStackPolicyConfig,
  reconcilePolicyConfig,
} from "../../../tools/analyzer/policy-config";
import type { AnalyzerInfo, AnalyzerPolicyInfo } from "../../../tools/analyzer/types";

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

describe("policy config as the CLI reconciles it", () => {
  it("parses levels and objects, splitting enforcementLevel from properties", () => {
    assert.deepEqual(
      parsePolicyConfig({ all: "mandatory", a: { enforcementLevel: "disabled", x: 1 }, b: {} }).entries,
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

describe("policy config files", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    writeFileSync(
      join(dir, "staging.json"),
      JSON.stringify({ all: "advisory", sized: { maxSize: "large" } }),
    );
    writeFileSync(join(dir, "dev.json"), JSON.stringify({ sized: "disabled" }));
    writeFileSync(join(dir, "broken.json"), "{ not json");
    writeFileSync(join(dir, "empty.json"), "  \n");
    writeFileSync(join(dir, "README.md"), "not a stack");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("discovers the stacks from the <stack>.json files present, sorted", () => {
    assert.deepEqual(listPolicyConfigStacks(dir), ["broken", "dev", "empty", "staging"]);
  });

  it("reads a stack's file, and resolves one policy's entry with `all` as the fallback level", () => {
    const staging = readStackPolicyConfig("staging", dir);
    assert.equal(staging.source, `policy config ${join(dir, "staging.json")}`);
    assert.deepEqual(staging.entryFor("sized"), {
      enforcementLevel: "advisory",
      properties: { maxSize: "large" },
    });
    assert.deepEqual(staging.entryFor("plain"), { enforcementLevel: "advisory" });
    assert.deepEqual(readStackPolicyConfig("dev", dir).entryFor("plain"), {});
    assert.deepEqual(readStackPolicyConfig("empty", dir).entries, {});
  });

  it("names the file on unreadable or invalid JSON", () => {
    assert.throws(
      () => readStackPolicyConfig("broken", dir),
      (e: PolicyPackSetupError) =>
        e.kind === "config" &&
        e.message.startsWith(`policy config ${join(dir, "broken.json")} is not valid JSON`),
    );
    assert.throws(
      () => readPolicyConfigFile(join(dir, "missing.json")),
      /cannot read policy config .*missing\.json/,
    );
  });

  it("validates a file read once against the pack, and accepts the parsed config as given", () => {
    const reconciled = reconcilePolicyConfig(info, readStackPolicyConfig("staging", dir));
    assert.deepEqual(reconciled.config.sized, {
      enforcementLevel: "advisory",
      properties: { maxSize: "large", families: ["m", "c"] },
    });
    assert.deepEqual(reconciled.config.plain, { enforcementLevel: "advisory" });
  });
});
