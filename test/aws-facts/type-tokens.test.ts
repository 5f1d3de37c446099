import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import { AWS_INVOKES, AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

/** `aws:<module>/<camelName>:<Name>` → the `@pulumi/aws` export that registers it. */
function sdkExport(token: string): unknown {
  const [, module, , name] = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):([A-Za-z0-9]+)$/.exec(token) ?? [];
  assert.ok(module, `${token} is not an aws type token`);
  const namespace =
    module === "index" ? aws : (aws as unknown as Record<string, Record<string, unknown>>)[module];
  assert.ok(namespace, `@pulumi/aws has no module ${module} (for ${token})`);
  return (namespace as Record<string, unknown>)[name];
}

describe("aws-facts/type-tokens", () => {
  for (const [key, token] of Object.entries(AWS_TYPES)) {
    it(`${key} is the token @pulumi/aws registers (${token})`, () => {
      const resourceClass = sdkExport(token) as { __pulumiType?: string } | undefined;
      assert.ok(resourceClass, `@pulumi/aws exports no class for ${token}`);
      assert.equal(resourceClass.__pulumiType, token);
    });
  }
  for (const [key, token] of Object.entries(AWS_INVOKES)) {
    it(`${key} names a data source @pulumi/aws exports (${token})`, () => {
      assert.equal(typeof sdkExport(token), "function");
    });
  }
});
