/**
 * Rules of the diff engine on small hand-made graphs: replacement order (type flag, program-set name, explicit
 * option), resource options, secrets, the warnings that need a situation the real stacks don't produce, and alias
 * URNs as the engine derives them.
 */
import assert from "node:assert/strict";
import { Alias } from "@pulumi/pulumi/proto/alias_pb";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";
import { aliasUrns } from "../../../../tools/lib/capture-aliases";
import type { CapturedResource, CapturedResourceOptions } from "../../../../tools/lib/resource-graph";
import { diffGraphs, diffResources } from "../../../../tools/preview/diff/engine";
import { diffWarnings } from "../../../../tools/preview/diff/warnings";
import { SECRET } from "../../../../tools/preview/diff/values";

const OPTIONS: CapturedResourceOptions = {
  protect: false,
  ignoreChanges: [],
  retainOnDelete: false,
  deleteBeforeReplace: false,
  replaceOnChanges: [],
};

function res(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<CapturedResource> = {},
): CapturedResource {
  return {
    type,
    name,
    urn: `urn:pulumi:dev::p::${type}::${name}`,
    custom: true,
    dependencies: [],
    propertyDependencies: {},
    inputs,
    outputs: { ...inputs, ...(extra.outputs ?? {}) },
    options: OPTIONS,
    ...extra,
  };
}

function warningsOf(before: CapturedResource[], after: CapturedResource[]) {
  const { diffs, effectiveInputs } = diffGraphs(before, after);
  return diffWarnings(
    diffs,
    new Map(before.map((r) => [r.urn, r])),
    new Map(after.map((r) => [r.urn, r])),
    effectiveInputs,
  );
}

describe("diff engine rules", () => {
  it("a role policy attachment is replaced delete-first (the provider flags the type): a service gap", () => {
    const a = [
      res(AWS_TYPES.iamRolePolicyAttachment, "attach", { role: "r", policyArn: "arn:aws:iam::aws:policy/A" }),
    ];
    const b = [
      res(AWS_TYPES.iamRolePolicyAttachment, "attach", { role: "r", policyArn: "arn:aws:iam::aws:policy/B" }),
    ];
    const [d] = diffResources(a, b);
    assert.equal(d.operation, "replace");
    assert.equal(d.replaceOrder, "delete-before-replace");
    assert.deepEqual(d.forcedBy, ["policyArn"]);
    assert.deepEqual(
      warningsOf(a, b).map((w) => w.kind),
      ["service-gap"],
    );
  });

  it("a program-set name on an auto-named type makes the replacement delete-first, unless the option says otherwise", () => {
    const a = [
      res(AWS_TYPES.cloudwatchLogGroup, "logs", { name: "/aws/lambda/fn", logGroupClass: "STANDARD" }),
    ];
    const b = [
      res(AWS_TYPES.cloudwatchLogGroup, "logs", {
        name: "/aws/lambda/fn",
        logGroupClass: "INFREQUENT_ACCESS",
      }),
    ];
    assert.equal(diffResources(a, b)[0].replaceOrder, "delete-before-replace");
    const explicit = [
      { ...b[0], options: { ...OPTIONS, deleteBeforeReplace: false, deleteBeforeReplaceSet: true } },
    ];
    const [d] = diffResources(a, explicit);
    assert.equal(d.replaceOrder, "create-before-delete");
    // ... which then collides on the unchanged name.
    assert.deepEqual(
      warningsOf(a, explicit).map((w) => w.kind),
      ["name-collision"],
    );
  });

  it("replaceOnChanges forces a replacement; ignoreChanges hides a change", () => {
    const a = [res(AWS_TYPES.lambdaFunction, "fn", { memorySize: 128, timeout: 3 })];
    const b = [
      res(
        AWS_TYPES.lambdaFunction,
        "fn",
        { memorySize: 256, timeout: 9 },
        {
          options: { ...OPTIONS, replaceOnChanges: ["memorySize"], ignoreChanges: ["timeout"] },
        },
      ),
    ];
    const [d] = diffResources(a, b);
    assert.equal(d.operation, "replace");
    assert.deepEqual(d.forcedBy, ["memorySize"]);
    assert.deepEqual(
      d.changes.map((c) => c.path),
      ["memorySize"],
    );
  });

  it("secret inputs are masked in the changes", () => {
    const a = [
      res(
        AWS_TYPES.lambdaFunction,
        "fn",
        { environment: { variables: { TOKEN: "old-token" } } },
        { secretPaths: ["environment.variables.TOKEN"] },
      ),
    ];
    const b = [
      res(
        AWS_TYPES.lambdaFunction,
        "fn",
        { environment: { variables: { TOKEN: "new-token" } } },
        { secretPaths: ["environment.variables.TOKEN"] },
      ),
    ];
    const [d] = diffResources(a, b);
    assert.deepEqual(d.changes, [{ path: "environment.variables.TOKEN", old: SECRET, new: SECRET }]);
    assert.doesNotMatch(JSON.stringify(d), /token/);
    // A whole block added: the secret inside it is masked, the rest shown.
    const before = [res(AWS_TYPES.lambdaFunction, "fn", {})];
    const [added] = diffResources(before, b);
    assert.deepEqual(added.changes, [{ path: "environment", new: { variables: { TOKEN: SECRET } } }]);
  });

  it("a region change replaces; unset and the provider's own region are the same", () => {
    const a = [
      res(
        AWS_TYPES.cloudwatchLogGroup,
        "logs",
        {},
        { outputs: { region: "us-east-1", name: "logs-1234567" } },
      ),
    ];
    const same = [res(AWS_TYPES.cloudwatchLogGroup, "logs", { region: "us-east-1" })];
    const other = [res(AWS_TYPES.cloudwatchLogGroup, "logs", { region: "eu-west-1" })];
    assert.equal(diffResources(a, same)[0].operation, "same");
    assert.deepEqual(diffResources(a, other)[0].forcedBy, ["region"]);
  });

  it("a function left pointing at a deleted endpoint is flagged", () => {
    const endpoint = res(AWS_TYPES.sagemakerEndpoint, "ep", {
      name: "live-endpoint-1",
      endpointConfigName: "c",
    });
    const fn = res(AWS_TYPES.lambdaFunction, "fn", {
      environment: { variables: { ENDPOINT_NAME: "live-endpoint-1" } },
    });
    const warnings = warningsOf([endpoint, fn], [fn]);
    assert.deepEqual(
      warnings.map((w) => [w.kind, w.name]),
      [["dangling-reference", "fn"]],
    );
    assert.match(warnings[0].message, /live-endpoint-1/);
  });

  it("a function fed by the replaced resource's output is not flagged (its input is known after apply)", () => {
    const key = res(
      AWS_TYPES.kmsKey,
      "key",
      { keyUsage: "ENCRYPT_DECRYPT" },
      { outputs: { arn: "arn:aws:kms:us-east-1:1:key/abcdef" } },
    );
    const fn = res(
      AWS_TYPES.lambdaFunction,
      "fn",
      { kmsKeyArn: "arn:aws:kms:us-east-1:1:key/abcdef" },
      {
        propertyDependencies: { kmsKeyArn: [key.urn] },
        dependencies: [key.urn],
      },
    );
    const newKey = { ...key, inputs: { keyUsage: "SIGN_VERIFY" } };
    const { diffs } = diffGraphs([key, fn], [newKey, fn]);
    assert.deepEqual(
      diffs.map((d) => [d.name, d.operation]),
      [
        ["key", "replace"],
        ["fn", "update"],
      ],
    );
    assert.deepEqual(
      diffs[1].causedBy?.map((c) => c.name),
      ["key"],
    );
    assert.deepEqual(
      warningsOf([key, fn], [newKey, fn]).map((w) => w.kind),
      ["stateful"],
    );
  });

  it("alias URNs: a renamed parent's alias is inherited by its children with the parent's old name as prefix", () => {
    const spec = new Alias.Spec();
    spec.setName("old-bucket");
    const alias = new Alias();
    alias.setSpec(spec);
    const root = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
    const parentUrn = "urn:pulumi:dev::p::my:s3:Bucket::new-bucket";
    const parentAliases = aliasUrns(
      { stack: "dev", project: "p", parent: root, type: "my:s3:Bucket", name: "new-bucket" },
      parentUrn,
      [alias],
      [],
      [],
    );
    assert.deepEqual(parentAliases, ["urn:pulumi:dev::p::my:s3:Bucket::old-bucket"]);
    const child = aliasUrns(
      {
        stack: "dev",
        project: "p",
        parent: parentUrn,
        type: "aws:s3/bucket:Bucket",
        name: "new-bucket-data",
      },
      "urn:pulumi:dev::p::my:s3:Bucket$aws:s3/bucket:Bucket::new-bucket-data",
      [],
      [],
      parentAliases,
    );
    assert.deepEqual(child, ["urn:pulumi:dev::p::my:s3:Bucket$aws:s3/bucket:Bucket::old-bucket-data"]);
  });
});

describe("diff engine rules for types without facts", () => {
  it("a change of a type with no replacement facts is an update, with a warning saying so", () => {
    const a = [res("aws:sqs/queue:Queue", "q", { delaySeconds: 0 })];
    const b = [res("aws:sqs/queue:Queue", "q", { delaySeconds: 5 })];
    assert.equal(diffResources(a, b)[0].operation, "update");
    const [w] = warningsOf(a, b);
    assert.equal(w.kind, "unknown-type");
    assert.match(w.message, /no replacement facts for aws:sqs\/queue:Queue/);
  });
});

describe("diff engine rules: retained resources", () => {
  it("a stateful resource deleted with retainOnDelete is flagged as kept in AWS", () => {
    const key = res(AWS_TYPES.kmsKey, "key", {}, { options: { ...OPTIONS, retainOnDelete: true } });
    const [w] = warningsOf([key], []);
    assert.equal(w.kind, "stateful");
    assert.match(w.message, /retainOnDelete keeps the old one/);
  });
});
