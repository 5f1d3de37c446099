/**
 * Pack-wide checks over `allPolicies` and policy/config/*.json: what the CLI would reject at load or Configure
 * time, caught in a unit test.
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import Ajv from "ajv";
import { allPolicies } from "@ml-platform/policy/policies";
import { configWithDefaults, isPlatformPolicy, type PlatformPolicy } from "@ml-platform/policy/framework";
import { readStackConfig, STACKS } from "../../tools/gen-policy-docs";

const ROOT = join(__dirname, "..", "..");
const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

/** The file that declares a type token in @pulumi/aws, e.g. aws:iam/role:Role → iam/role.js. */
function tokenDeclared(token: string): boolean {
  const match = /^aws:([a-zA-Z0-9]+)\/([a-zA-Z0-9]+):([A-Za-z0-9]+)$/.exec(token);
  if (!match) return false;
  const file = join(ROOT, "node_modules", "@pulumi", "aws", match[1], `${match[2]}.js`);
  return existsSync(file) && readFileSync(file, "utf8").includes(`__pulumiType = '${token}'`);
}

describe("policy pack", () => {
  it("has unique kebab-case names, none reserved", () => {
    const names = allPolicies.map((p) => p.name);
    assert.equal(
      new Set(names).size,
      names.length,
      `duplicates: ${names.filter((n, i) => names.indexOf(n) !== i)}`,
    );
    for (const name of names) {
      assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.notEqual(name, "all");
    }
  });

  it("gives every policy the metadata the runtime and docs need", () => {
    for (const policy of allPolicies) {
      assert.ok(isPlatformPolicy(policy), `${policy.name} is not built with the framework`);
      assert.ok(policy.description && policy.remediationSteps, policy.name);
      assert.ok(["low", "medium", "high", "critical"].includes(policy.severity ?? ""), policy.name);
      assert.equal(policy.url, `docs/policies.md#${policy.name}`);
      assert.ok(LEVELS.includes(policy.enforcementLevel ?? ""), policy.name);
      assert.ok(policy.configSchema?.properties.exemptions, `${policy.name} lacks the exemptions property`);
      assert.equal("enforcementLevel" in (policy.configSchema?.properties ?? {}), false);
      for (const [key, prop] of Object.entries(policy.configSchema!.properties)) {
        assert.ok(typeof prop === "object" && "default" in prop, `${policy.name}.${key} has no default`);
      }
    }
  });

  it("keeps every must-have rule mandatory by default", () => {
    const mustHave = allPolicies.filter((p) =>
      ["iam", "autoscaling", "instance-size"].includes(p.platform.metadata.family),
    );
    assert.ok(mustHave.length >= 8);
    for (const p of mustHave) assert.equal(p.enforcementLevel, "mandatory", p.name);
  });

  it("names only resource types that exist in @pulumi/aws", () => {
    for (const policy of allPolicies) {
      for (const token of policy.platform.resourceTypes) {
        if (!token.startsWith("aws:")) continue;
        assert.ok(tokenDeclared(token), `${policy.name}: ${token} is not a @pulumi/aws type token`);
      }
    }
  });

  describe("policy/config/<stack>.json", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const byName = new Map<string, PlatformPolicy>(allPolicies.map((p) => [p.name, p]));

    for (const stack of STACKS) {
      const config = readStackConfig(stack);

      it(`${stack}: configures every policy with an explicit level, and names only real policies`, () => {
        for (const key of Object.keys(config)) {
          assert.ok(key === "all" || byName.has(key), `${stack}.json configures unknown policy "${key}"`);
        }
        for (const policy of allPolicies) {
          const entry = config[policy.name];
          const level = typeof entry === "string" ? entry : entry?.enforcementLevel;
          assert.ok(LEVELS.includes(level ?? ""), `${stack}.json has no enforcementLevel for ${policy.name}`);
        }
      });

      it(`${stack}: validates against each policy's configSchema with defaults filled in, as the CLI does`, () => {
        for (const [name, entry] of Object.entries(config)) {
          const policy = byName.get(name);
          if (!policy || typeof entry === "string") continue;
          const { enforcementLevel: _level, ...given } = entry;
          const { config: merged, errors } = configWithDefaults(given, policy.platform.config);
          const { validateConfig } = policy.platform.metadata as {
            validateConfig?: (c: unknown) => string[];
          };
          errors.push(...(validateConfig?.(merged) ?? []));
          assert.deepEqual(errors, [], `${stack}.json "${name}"`);
          const schema = {
            type: "object",
            properties: policy.configSchema!.properties,
            required: policy.configSchema!.required,
          };
          assert.ok(ajv.validate(schema, merged), `${stack}.json "${name}": ${ajv.errorsText()}`);
        }
      });
    }

    it("makes every guardrail mandatory in prod, and keeps must-have rules mandatory everywhere", () => {
      const prod = readStackConfig("prod");
      // The misspelt-exemption-tag hint stays advisory (a renamed policy must not block a production deploy), and
      // so does the coverage report (a type the pack does not check is a gap to see, not a verdict).
      const informational = ["exemptions", "coverage"];
      for (const policy of allPolicies.filter((p) => !informational.includes(p.platform.metadata.family))) {
        const entry = prod[policy.name];
        const level = typeof entry === "string" ? entry : entry?.enforcementLevel;
        assert.equal(level, "mandatory", `prod: ${policy.name}`);
      }
      const dev = readStackConfig("dev");
      for (const policy of allPolicies.filter((p) => p.enforcementLevel === "mandatory")) {
        const entry = dev[policy.name];
        assert.equal(
          typeof entry === "string" ? entry : entry?.enforcementLevel,
          "mandatory",
          `dev: ${policy.name}`,
        );
      }
    });
  });

  describe("compiled pack", () => {
    it("points policy/package.json main at the compiled JavaScript", () => {
      const pkg = JSON.parse(readFileSync(join(ROOT, "policy", "package.json"), "utf8"));
      assert.equal(pkg.main, "bin/index.js");
      assert.match(pkg.version, /^\d+\.\d+\.\d+/);
    });

    it("never loads @pulumi/aws at run time (types only), which would cost seconds at every start", function () {
      const bundle = join(ROOT, "policy", "bin", "index.js");
      if (!existsSync(bundle)) this.skip(); // `npm test` builds first; a bare mocha run may not have
      const text = readFileSync(bundle, "utf8");
      assert.doesNotMatch(text, /require\("@pulumi\/aws[/"]/);
      assert.match(text, /require\("@pulumi\/policy"\)/);
      // Whatever the bundle still requires must be a declared dependency of the policy workspace (or a builtin).
      const pkg = JSON.parse(readFileSync(join(ROOT, "policy", "package.json"), "utf8"));
      const declared = Object.keys(pkg.dependencies ?? {});
      for (const [, spec] of text.matchAll(/require\("([^"]+)"\)/g)) {
        if (spec.startsWith("node:") || builtinModules.includes(spec)) continue;
        const pkgName = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
        assert.ok(
          declared.includes(pkgName),
          `bin/index.js requires "${spec}", not a policy/package.json dependency`,
        );
      }
      assert.match(text, /new import_policy\.PolicyPack\("ml-platform"/);
    });
  });
});
