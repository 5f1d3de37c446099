import { strict as assert } from "node:assert";
import { configWithDefaults, invalidConfigFinding, resolvePolicyConfig } from "@ml-platform/policy/framework";
import { sample } from "../support/sample-policy";

describe("configWithDefaults", () => {
  it("fills every default and keeps given values", () => {
    const { config, errors } = configWithDefaults<{ maxRetention: number }>(
      { maxRetention: 3 },
      sample.platform.config,
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(config, { maxRetention: 3, forbidden: [], exemptions: [] });
  });

  it("returns fresh copies of defaults so policies cannot mutate each other's config", () => {
    const a = configWithDefaults<{ forbidden: string[] }>({}, sample.platform.config).config;
    a.forbidden.push("x");
    assert.deepEqual(
      configWithDefaults<{ forbidden: string[] }>({}, sample.platform.config).config.forbidden,
      [],
    );
  });

  it("names the property and the broken rule for every kind of schema problem", () => {
    const errorsOf = (given: Record<string, unknown>) =>
      configWithDefaults(given, sample.platform.config).errors;
    assert.deepEqual(errorsOf({ maxRetention: "thirty" }), [
      'config property "maxRetention" must be integer, got "thirty"',
    ]);
    assert.deepEqual(errorsOf({ maxRetention: 0 }), ['config property "maxRetention" must be >= 1, got 0']);
    assert.deepEqual(errorsOf({ forbidden: ["ok", 7] }), [
      'config property "forbidden[1]" must be string, got 7',
    ]);
    assert.deepEqual(errorsOf({ exemptions: [{ resource: "" }] }), [
      'config property "exemptions[0].resource" must NOT have fewer than 1 characters, got ""',
    ]);
    assert.match(
      errorsOf({ maxRetension: 3 })[0],
      /^unknown config property "maxRetension" \(known: maxRetention, /,
    );
  });

  it("falls back to every default when any given value is invalid, and treats null as unset", () => {
    const invalid = configWithDefaults<{ maxRetention: number; forbidden: string[] }>(
      { maxRetention: 3, forbidden: [1] },
      sample.platform.config,
    );
    assert.equal(invalid.config.maxRetention, 30);
    const unset = configWithDefaults<{ maxRetention: number }>(
      { maxRetention: null },
      sample.platform.config,
    );
    assert.deepEqual(unset.errors, []);
    assert.equal(unset.config.maxRetention, 30);
  });
});

describe("resolvePolicyConfig", () => {
  it("words a config problem the same way for every policy, and runs the cross-property check on valid config only", () => {
    const schemaProblem = resolvePolicyConfig("p", { maxRetention: "x" }, sample.platform.config, () => [
      "never",
    ]);
    assert.deepEqual(schemaProblem.findings, [
      invalidConfigFinding("p", 'config property "maxRetention" must be integer, got "x"'),
    ]);
    const crossProblem = resolvePolicyConfig<{ maxRetention: number }>(
      "p",
      { maxRetention: 2 },
      sample.platform.config,
      () => ["clash"],
    );
    assert.deepEqual(crossProblem.findings, [invalidConfigFinding("p", "clash")]);
    assert.equal(crossProblem.config.maxRetention, 30);
  });
});
