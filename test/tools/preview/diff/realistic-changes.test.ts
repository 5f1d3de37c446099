/**
 * The change preview on realistic edits of the real stacks: each "after" side is the real program run under the
 * mock runtime with an edited copy of Pulumi.<stack>.yaml (or, for the rename, an edited copy of the program).
 * Expected operations follow the replacement facts (aws-facts/replacement/replacement-facts.json); expected cost
 * differences follow the shipped price file (price × 730 h × instances, GB-month prices, Lambda GB-second prices).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { REPO_ROOT } from "../../../../tools/lib/program-runner";
import { UNKNOWN } from "../../../../tools/preview/diff/values";
import { baseSide, diffSides, editedSide, operations, price, round2 } from "./support";

const HOURS = 730;
/** A section of a committed Pulumi.<stack>.yaml. */
const stackSection = (stack: string, key: string) =>
  (parseDocument(readFileSync(join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")).toJS().config ?? {})[
    `ml-platform:${key}`
  ];
const stackEndpoint = (stack: string) =>
  stackSection(stack, "endpoint") as { minCapacity: number; maxCapacity: number };
const stackInference = (stack: string) =>
  stackSection(stack, "inference") as { reservedConcurrency?: number };
const endpoint = (key: string, value: unknown) => (d: import("yaml").Document) =>
  d.setIn(["config", "ml-platform:endpoint", key], value);

describe("change preview on realistic changes of the real stacks", function () {
  this.timeout(120_000);

  it("prod endpoint instance type: configuration and endpoint replaced create-before-delete, scaling chain replaced, function updated", async () => {
    const r = diffSides(
      await baseSide("prod"),
      await editedSide("prod", endpoint("instanceType", "ml.m5.xlarge")),
    );
    assert.deepEqual(operations(r), {
      "ml-platform-prod-endpoint-5xx-rollback": "update",
      "ml-platform-prod-endpoint-config": "replace create-before-delete",
      "ml-platform-prod-endpoint": "replace create-before-delete",
      "ml-platform-prod-endpoint-target": "replace create-before-delete",
      "ml-platform-prod-endpoint-scaling": "replace create-before-delete",
      "ml-platform-prod-inference": "update",
      "ml-platform-prod-inference-alias": "update",
    });
    const config = r.byName.get("ml-platform-prod-endpoint-config")!;
    assert.deepEqual(config.forcedBy, ["productionVariants[0].instanceType"]);
    // The endpoint's name carries the variant shape, so it changes and forces the replacement; the program's explicit
    // deleteBeforeReplace: false keeps it create-before-delete although the name is set by the program.
    const ep = r.byName.get("ml-platform-prod-endpoint")!;
    assert.deepEqual(ep.forcedBy, ["name"]);
    assert.match(ep.replaceOrderReason!, /deleteBeforeReplace: false/);
    assert.equal(ep.changes.find((c) => c.path === "endpointConfigName")?.new, UNKNOWN);
    assert.deepEqual(
      ep.causedBy?.map((c) => [c.name, c.operation]),
      [["ml-platform-prod-endpoint-config", "replace"]],
    );
    // The chain endpoint → target → policy, through resourceId.
    assert.deepEqual(
      r.byName.get("ml-platform-prod-endpoint-target")!.causedBy?.map((c) => c.name),
      ["ml-platform-prod-endpoint"],
    );
    assert.deepEqual(
      r.byName.get("ml-platform-prod-endpoint-scaling")!.causedBy?.map((c) => [c.name, c.inputs]),
      [["ml-platform-prod-endpoint-target", ["resourceId"]]],
    );
    const fn = r.byName.get("ml-platform-prod-inference")!;
    assert.deepEqual(
      fn.changes.map((c) => c.path),
      ["environment.variables.ENDPOINT_NAME"],
    );
    // The function's InvokeEndpoint grant covers every generation of the name (`…:endpoint/<base>-*`), so its
    // policy is not among the changes; the alarm (auto-named, updated in place) follows the new endpoint name.
    assert.deepEqual(
      r.byName.get("ml-platform-prod-endpoint-5xx-rollback")!.changes.map((c) => c.path),
      ["alarmDescription", "dimensions.EndpointName"],
    );
    // Cost: the hosting price difference × 730 h × minCapacity to maxCapacity instances (prod's stack file); the
    // assumed 30 GB ML storage per instance is the same for both types.
    const { minCapacity, maxCapacity } = stackEndpoint("prod");
    const perHour =
      price(["sagemaker", "hosting", "ml.m5.xlarge"]) - price(["sagemaker", "hosting", "ml.c5.xlarge"]);
    assert.deepEqual(r.cost.difference, {
      min: round2(perHour * HOURS * minCapacity),
      max: round2(perHour * HOURS * maxCapacity),
    });
    assert.deepEqual(
      r.warnings.map((w) => w.kind),
      ["autoscaling-reset"],
    );
  });

  it("dev endpoint capacity: only the scalable target is updated; the worst case grows by one instance", async () => {
    const r = diffSides(await baseSide("dev"), await editedSide("dev", endpoint("maxCapacity", 3)));
    assert.deepEqual(operations(r), { "ml-platform-dev-endpoint-target": "update" });
    assert.deepEqual(r.byName.get("ml-platform-dev-endpoint-target")!.changes, [
      { path: "maxCapacity", old: 2, new: 3 },
    ]);
    // One more ml.m5.large instance-month plus its assumed 30 GB ML storage volume.
    const oneMore =
      price(["sagemaker", "hosting", "ml.m5.large"]) * HOURS + 30 * price(["sagemaker", "mlStorageGbMonth"]);
    assert.deepEqual(r.cost.difference, { min: 0, max: round2(oneMore) });
  });

  it("dev cooldown: the scaling policy is updated in place (PutScalingPolicy), no cost change", async () => {
    const r = diffSides(
      await baseSide("dev"),
      await editedSide("dev", endpoint("scaleInCooldownSeconds", 600)),
    );
    assert.deepEqual(operations(r), { "ml-platform-dev-endpoint-scaling": "update" });
    assert.deepEqual(r.byName.get("ml-platform-dev-endpoint-scaling")!.changes, [
      { path: "targetTrackingScalingPolicyConfiguration.scaleInCooldown", old: 300, new: 600 },
    ]);
    assert.deepEqual(r.cost.difference, { min: 0, max: 0 });
  });

  it("dev model artifact: model and configuration replaced, endpoint rolled out in place with a reset warning", async () => {
    const r = diffSides(
      await baseSide("dev"),
      await editedSide("dev", endpoint("modelDataUrl", "models/dog-breeds/v2/model.tar.gz")),
    );
    assert.deepEqual(operations(r), {
      "ml-platform-dev-endpoint-model-policy": "update",
      "ml-platform-dev-endpoint-model": "replace create-before-delete",
      "ml-platform-dev-endpoint-config": "replace create-before-delete",
      "ml-platform-dev-endpoint": "update",
    });
    assert.deepEqual(r.byName.get("ml-platform-dev-endpoint-model")!.forcedBy, [
      "primaryContainer.modelDataUrl",
    ]);
    const config = r.byName.get("ml-platform-dev-endpoint-config")!;
    assert.deepEqual(config.forcedBy, ["productionVariants[0].modelName"]);
    assert.deepEqual(
      config.causedBy?.map((c) => c.name),
      ["ml-platform-dev-endpoint-model"],
    );
    const rollout = r.byName.get("ml-platform-dev-endpoint")!.changes;
    assert.deepEqual(
      rollout.map((c) => [c.path, c.new, c.from]),
      [["endpointConfigName", UNKNOWN, [config.urn]]],
    );
    assert.deepEqual(
      r.warnings.map((w) => w.kind),
      ["autoscaling-reset"],
    );
    assert.deepEqual(r.cost.difference, { min: 0, max: 0 });
  });

  it("dev image tag: the model is replaced for primaryContainer.image", async () => {
    const r = diffSides(
      await baseSide("dev"),
      await editedSide("dev", endpoint("imageTag", "2.5.1-cpu-py311")),
    );
    assert.deepEqual(operations(r), {
      "ml-platform-dev-endpoint-model": "replace create-before-delete",
      "ml-platform-dev-endpoint-config": "replace create-before-delete",
      "ml-platform-dev-endpoint": "update",
    });
    assert.deepEqual(r.byName.get("ml-platform-dev-endpoint-model")!.forcedBy, ["primaryContainer.image"]);
    assert.deepEqual(r.cost.difference, { min: 0, max: 0 });
  });

  it("notebook volume up (dev): updated in place, +50 GB of ML storage", async () => {
    const r = diffSides(
      await baseSide("dev"),
      await editedSide("dev", (d) => d.setIn(["config", "ml-platform:notebook", "volumeSizeGb"], 100)),
    );
    assert.deepEqual(operations(r), { "ml-platform-dev-notebook": "update" });
    assert.match(r.byName.get("ml-platform-dev-notebook")!.note!, /Stops the notebook/);
    const delta = round2(50 * price(["sagemaker", "mlStorageGbMonth"]));
    assert.deepEqual(r.cost.difference, { min: delta, max: delta });
    assert.deepEqual(r.warnings, []);
  });

  it("notebook volume down (prod): replaced, and flagged as protected and stateful", async () => {
    const r = diffSides(
      await baseSide("prod"),
      await editedSide("prod", (d) => d.setIn(["config", "ml-platform:notebook", "volumeSizeGb"], 50)),
    );
    assert.deepEqual(operations(r), { "ml-platform-prod-notebook": "replace create-before-delete" });
    assert.deepEqual(r.byName.get("ml-platform-prod-notebook")!.forcedBy, ["volumeSize"]);
    assert.deepEqual(r.warnings.map((w) => w.kind).sort(), ["protected", "stateful"]);
    const delta = round2(-50 * price(["sagemaker", "mlStorageGbMonth"]));
    assert.deepEqual(r.cost.difference, { min: delta, max: delta });
  });

  it("dev function memory and concurrency: function updated, a reservation added, a new version moves the alias", async () => {
    const r = diffSides(
      await baseSide("dev"),
      await editedSide("dev", (d) => {
        d.setIn(["config", "ml-platform:inference", "memoryMb"], 512);
        d.setIn(["config", "ml-platform:inference", "reservedConcurrency"], 10);
      }),
    );
    assert.deepEqual(operations(r), {
      "ml-platform-dev-inference": "update",
      "ml-platform-dev-inference-alias": "update",
    });
    // Dev reserves no concurrency (a new account's quota can't afford it), so the reservation is added, not changed.
    assert.equal(stackInference("dev").reservedConcurrency, undefined);
    assert.deepEqual(r.byName.get("ml-platform-dev-inference")!.changes, [
      { path: "memorySize", old: 256, new: 512 },
      { path: "reservedConcurrentExecutions", new: 10 },
    ]);
    const alias = r.byName.get("ml-platform-dev-inference-alias")!;
    assert.deepEqual(
      alias.changes.map((c) => [c.path, c.new]),
      [["functionVersion", UNKNOWN]],
    );
    // One provisioned environment, 0.25 GB more, for 730 h at the provisioned-concurrency GB-second price.
    const provisioned = r.cost.resources.find((c) => c.name === "ml-platform-dev-inference-provisioned")!;
    const delta = round2(0.25 * HOURS * 3600 * price(["lambda", "x86_64", "provisionedConcurrencyGbSecond"]));
    assert.deepEqual(provisioned.difference, { min: delta, max: delta });
  });

  it("dev log retention: the log group is updated in place", async () => {
    const r = diffSides(
      await baseSide("dev"),
      await editedSide("dev", (d) => d.setIn(["config", "ml-platform:inference", "logRetentionDays"], 30)),
    );
    assert.deepEqual(operations(r), { "ml-platform-dev-inference-logs": "update" });
    assert.deepEqual(r.byName.get("ml-platform-dev-inference-logs")!.changes, [
      { path: "retentionInDays", old: 14, new: 30 },
    ]);
    assert.deepEqual(r.cost.difference, { min: 0, max: 0 });
  });

  it("dev tags only: updates in place everywhere (even SageMaker models and configurations), nothing replaced", async () => {
    const r = diffSides(
      await baseSide("dev"),
      await editedSide("dev", (d) => d.setIn(["config", "ml-platform:tags", "owner"], "data-science")),
    );
    const ops = Object.values(operations(r));
    assert.ok(ops.length > 15 && ops.every((op) => op === "update"), JSON.stringify(operations(r)));
    for (const d of r.diffs.filter(
      (x) => x.operation === "update" && x.name !== "ml-platform-dev-inference-alias",
    )) {
      assert.ok(
        d.changes.every((c) => /^(tags|volumeTags)\./.test(c.path)),
        `${d.name}: ${JSON.stringify(d.changes)}`,
      );
    }
    assert.equal(r.byName.get("ml-platform-dev-endpoint-model")?.operation, "update");
    assert.deepEqual(r.cost.difference, { min: 0, max: 0 });
  });

  it("blue/green on (dev): the rollback alarm is created and the endpoint replaced under a new name, with its scaling and callers", async () => {
    const r = diffSides(
      await baseSide("dev"),
      await editedSide("dev", endpoint("blueGreen", { trafficRouting: "ALL_AT_ONCE" })),
    );
    assert.deepEqual(operations(r), {
      "ml-platform-dev-endpoint-5xx-rollback": "create",
      "ml-platform-dev-endpoint-model-policy": "update",
      "ml-platform-dev-endpoint": "replace create-before-delete",
      "ml-platform-dev-endpoint-target": "replace create-before-delete",
      "ml-platform-dev-endpoint-scaling": "replace create-before-delete",
      "ml-platform-dev-inference": "update",
      "ml-platform-dev-inference-alias": "update",
    });
    // The provider replaces an endpoint whose autoRollbackConfiguration is added; the name encodes auto-rollback, so
    // it changes too, and the replacement is created before the old endpoint is deleted without a name collision.
    const ep = r.byName.get("ml-platform-dev-endpoint")!;
    assert.deepEqual(ep.forcedBy, ["deploymentConfig.autoRollbackConfiguration", "name"]);
    assert.equal(ep.replaceOrder, "create-before-delete");
    const name = ep.changes.find((c) => c.path === "name")!;
    assert.notEqual(name.old, name.new);
    assert.ok(String(name.new).startsWith("ml-platform-dev-endpoint-"));
    assert.deepEqual(
      ep.causedBy?.map((c) => [c.name, c.operation]),
      [["ml-platform-dev-endpoint-5xx-rollback", "create"]],
    );
    // The model's role may now read the new alarm: its ARN exists only after the alarm is created.
    const modelPolicy = r.byName.get("ml-platform-dev-endpoint-model-policy")!;
    assert.deepEqual(
      modelPolicy.changes.map((c) => [c.path, c.new]),
      [["policy", UNKNOWN]],
    );
    assert.deepEqual(
      modelPolicy.causedBy?.map((c) => [c.name, c.operation]),
      [["ml-platform-dev-endpoint-5xx-rollback", "create"]],
    );
    // endpoint → target → policy through resourceId; the function follows the new name.
    assert.deepEqual(r.byName.get("ml-platform-dev-endpoint-target")!.changes, [
      {
        path: "resourceId",
        old: `endpoint/${name.old}/variant/AllTraffic`,
        new: `endpoint/${name.new}/variant/AllTraffic`,
        forcesReplacement: true,
      },
    ]);
    assert.deepEqual(
      r.byName.get("ml-platform-dev-endpoint-scaling")!.causedBy?.map((c) => c.name),
      ["ml-platform-dev-endpoint-target"],
    );
    assert.deepEqual(
      r.byName.get("ml-platform-dev-inference")!.changes.map((c) => [c.path, c.old, c.new]),
      [["environment.variables.ENDPOINT_NAME", name.old, name.new]],
    );
    assert.deepEqual(
      r.warnings.map((w) => w.kind),
      ["autoscaling-reset"],
    );
    assert.deepEqual(r.cost.difference, { min: 0, max: 0 });
  });

  it("blue/green off (prod): the alarm is deleted, the endpoint replaced under a new name, the alarm grant dropped", async () => {
    const r = diffSides(
      await baseSide("prod"),
      await editedSide("prod", (d) => d.deleteIn(["config", "ml-platform:endpoint", "blueGreen"])),
    );
    assert.deepEqual(operations(r), {
      "ml-platform-prod-endpoint-model-policy": "update",
      "ml-platform-prod-endpoint": "replace create-before-delete",
      "ml-platform-prod-endpoint-target": "replace create-before-delete",
      "ml-platform-prod-endpoint-scaling": "replace create-before-delete",
      "ml-platform-prod-inference": "update",
      "ml-platform-prod-inference-alias": "update",
      "ml-platform-prod-endpoint-5xx-rollback": "delete",
    });
    assert.deepEqual(r.byName.get("ml-platform-prod-endpoint")!.forcedBy, [
      "deploymentConfig.autoRollbackConfiguration",
      "name",
    ]);
    // The model role's policy loses exactly the statement that let SageMaker read the alarm.
    const [policy] = r.byName.get("ml-platform-prod-endpoint-model-policy")!.changes;
    assert.equal(policy.path, "policy");
    const statements = (doc: unknown) =>
      (JSON.parse(String(doc)) as { Statement: { Action: string[] }[] }).Statement.map((s) => s.Action);
    const before = statements(policy.old);
    const after = statements(policy.new);
    assert.deepEqual(
      before.filter((a) => !after.some((b) => JSON.stringify(b) === JSON.stringify(a))),
      [["cloudwatch:DescribeAlarms"]],
    );
    assert.equal(after.length, before.length - 1);
    assert.deepEqual(
      r.warnings.map((w) => w.kind),
      ["autoscaling-reset"],
    );
    assert.deepEqual(r.cost.difference, { min: 0, max: 0 });
  });

  it("a component renamed with an alias: every resource is matched, nothing changes", async () => {
    const dir = mkdtempSync(join(REPO_ROOT, "test/tools/preview/diff/.renamed-"));
    try {
      const program = readFileSync(join(REPO_ROOT, "index.ts"), "utf8")
        .replace('"./program/stack-config"', JSON.stringify(join(REPO_ROOT, "program/stack-config")))
        // The bucket's arguments are kept as they are; only the name changes and the old one becomes an alias.
        .replace(
          /new ProjectBucket\(names\.bucket, (\{[^}]*\})\)/,
          "new ProjectBucket(`${prefix}-data`, $1, { aliases: [{ name: names.bucket }] })",
        );
      assert.match(program, /aliases: \[\{ name: names\.bucket \}\]/, "the program edit applied");
      writeFileSync(join(dir, "index.ts"), program);
      const before = await baseSide("dev");
      const after = await editedSide("dev", () => undefined, { programPath: join(dir, "index.ts") });
      const r = diffSides(before, after);
      assert.deepEqual(operations(r), {});
      const renamed = r.diffs.filter((d) => d.oldUrn).map((d) => [d.oldUrn!.split("::").pop(), d.name]);
      assert.deepEqual(
        renamed.find(([, n]) => n === "ml-platform-dev-data"),
        ["ml-platform-dev-artifacts", "ml-platform-dev-data"],
      );
      assert.ok(
        renamed.some(
          ([o, n]) => o === "ml-platform-dev-artifacts-versioning" && n === "ml-platform-dev-data-versioning",
        ),
      );
      // The component and its seven children (bucket, ownership, public access block, versioning, encryption, policy,
      // lifecycle): every one answers to its old name through the component's alias.
      assert.equal(renamed.length, 8, JSON.stringify(renamed));
      assert.deepEqual(r.cost.difference, { min: 0, max: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without the alias the same rename deletes and recreates the protected bucket", async () => {
    const dir = mkdtempSync(join(REPO_ROOT, "test/tools/preview/diff/.renamed-"));
    try {
      const program = readFileSync(join(REPO_ROOT, "index.ts"), "utf8")
        .replace('"./program/stack-config"', JSON.stringify(join(REPO_ROOT, "program/stack-config")))
        .replace("new ProjectBucket(names.bucket,", "new ProjectBucket(`${prefix}-data`,");
      writeFileSync(join(dir, "index.ts"), program);
      const r = diffSides(
        await baseSide("prod"),
        await editedSide("prod", () => undefined, { programPath: join(dir, "index.ts") }),
      );
      assert.equal(r.byName.get("ml-platform-prod-artifacts")?.operation, "delete");
      assert.equal(r.byName.get("ml-platform-prod-data")?.operation, "create");
      assert.ok(r.warnings.some((w) => w.kind === "protected" && w.name === "ml-platform-prod-artifacts"));
      assert.ok(r.warnings.some((w) => w.kind === "stateful" && w.name === "ml-platform-prod-artifacts"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
