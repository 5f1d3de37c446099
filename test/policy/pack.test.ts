/**
 * Pack-wide checks over `allPolicies`: what the CLI would reject at load time, caught in a unit test.
 * test/policy/config.test.ts checks policy/config/*.json.
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { allPolicies } from "@ml-platform/policy/policies";
import { isPlatformPolicy } from "@ml-platform/policy/framework";

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
