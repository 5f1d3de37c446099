/**
 * Assertions on captured resource graphs (tools/lib/resource-graph.ts) shared by the component tests (in-process
 * mocks) and the program tests (the program runner).
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { CapturedResource } from "../../tools/lib/resource-graph";

interface Graph {
  readonly resources: readonly CapturedResource[];
  one(type: string, name?: string): CapturedResource;
}

/** The component of `componentType` is the only resource without it as parent, and its children have `childTypes`. */
export function assertOnlyChildren(graph: Graph, componentType: string, childTypes: readonly string[]): void {
  const component = graph.one(componentType);
  const children = graph.resources.filter((r) => r !== component);
  assert.deepEqual(children.map((r) => r.type).sort(), [...childTypes].sort());
  for (const child of children) {
    assert.equal(child.parent, component.urn, `${child.name} is not parented to ${component.name}`);
  }
}

/**
 * A component constructor failed validation: an InputPropertiesError whose entry for `property` states `reason`,
 * whose message lists `<property>: `, and nothing (not even the component) was registered.
 */
export function assertRejected(
  failed: { readonly error?: unknown; readonly resources: readonly CapturedResource[] },
  property: string,
  reason: RegExp,
): void {
  assert.ok(
    pulumi.InputPropertiesError.isInstance(failed.error),
    `expected InputPropertiesError, got ${failed.error}`,
  );
  const error = failed.error as pulumi.InputPropertiesError;
  const match = error.errors.find((e) => e.propertyPath === property);
  assert.ok(match, `no error for ${property}: ${error.message}`);
  assert.match(match.reason, reason);
  assert.ok(
    error.message.includes(`\n  - ${property}: `),
    `the message doesn't list ${property}: ${error.message}`,
  );
  assert.deepEqual(failed.resources, [], "resources were registered before validation");
}

/**
 * After an instance-type change the Endpoint is the same logical resource (URN) under a new physical
 * name, which Pulumi performs as a create-before-delete replacement (`deleteBeforeReplace` false), and the scalable
 * target follows the new endpoint instead of pointing at a variant being changed.
 */
export function assertEndpointReplacedForNewShape(
  before: CapturedResource,
  after: CapturedResource,
  afterTarget: CapturedResource,
): void {
  assert.equal(after.urn, before.urn);
  assert.notEqual(after.inputs.name, before.inputs.name);
  assert.equal(after.options.deleteBeforeReplace, false);
  assert.equal(afterTarget.inputs.resourceId, `endpoint/${after.inputs.name}/variant/AllTraffic`);
}

/**
 * Blue/green updates with a canary of `canaryPercent` % that roll back on the variant's 5xx alarm: the alarm watches
 * `Invocation5XXErrors` of this endpoint's AllTraffic variant, and the endpoint's deployment config names it (and so
 * depends on it).
 */
export function assertCanaryWithRollback(
  endpoint: CapturedResource,
  alarm: CapturedResource,
  expected: { canaryPercent: number; waitIntervalSeconds: number; terminationWaitSeconds: number },
): void {
  assert.equal(alarm.inputs.namespace, "AWS/SageMaker");
  assert.equal(alarm.inputs.metricName, "Invocation5XXErrors");
  assert.deepEqual(alarm.inputs.dimensions, {
    EndpointName: endpoint.inputs.name,
    VariantName: "AllTraffic",
  });
  assert.deepEqual(endpoint.inputs.deploymentConfig, {
    blueGreenUpdatePolicy: {
      trafficRoutingConfiguration: {
        type: "CANARY",
        waitIntervalInSeconds: expected.waitIntervalSeconds,
        canarySize: { type: "CAPACITY_PERCENT", value: expected.canaryPercent },
      },
      terminationWaitInSeconds: expected.terminationWaitSeconds,
    },
    autoRollbackConfiguration: { alarms: [{ alarmName: alarm.outputs.name }] },
  });
  assert.ok(endpoint.dependencies.includes(alarm.urn), "the endpoint doesn't wait for its rollback alarm");
}
