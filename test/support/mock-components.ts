/**
 * In-process mock runtime for component unit tests: constructs components under Pulumi's mock monitor and returns
 * every registration as a CapturedResource (components/lib/resource-graph.ts), with parents, dependencies and
 * resource options, which the plain `setMocks` callback never sees.
 *
 * Resource outputs and data sources are answered by the same mock AWS provider and fixture file as the offline
 * preview (tools/lib/mock-aws.ts, tools/preview/fixtures.yaml), so ARNs and names look alike in both.
 *
 * Whole-program tests use tools/lib/program-runner.ts instead (a child process per stack).
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import type { CapturedResource, CapturedResourceOptions } from "../../components/lib/resource-graph";
import { loadFixtures } from "../../tools/lib/data-source-fixtures";
import { answerInvoke, mockResourceState, type MockAwsContext } from "../../tools/lib/mock-aws";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState: { getStore(): Record<string, unknown> } = require("@pulumi/pulumi/runtime/state");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeSettings: { waitForRPCs(): Promise<void> } = require("@pulumi/pulumi/runtime/settings");

type Callback = (err: unknown, response?: unknown) => void;

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  hasProtect(): boolean;
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  hasRetainondelete(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getReplaceonchangesList(): string[];
  getProvider(): string;
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

/** A MockMonitor that records each registration's options before the standard mock handling. */
class CapturingMockMonitor extends MockMonitor {
  readonly captured: CapturedResource[] = [];

  constructor(aws: MockAwsContext) {
    super({
      call: (args) => answerInvoke(args.token, args.inputs, aws),
      newResource: (args) => {
        const seed = `${args.type}::${args.name}`;
        const state = mockResourceState(args.type, args.name, seed, args.inputs, aws);
        return { id: args.custom ? state.id : undefined, state: { ...args.inputs, ...state.computed } };
      },
    });
  }

  override async registerResource(req: RegisterRequest, callback: Callback): Promise<void> {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
      propertyDependencies[key] = value.getUrnsList();
    });
    const timeouts = req.getCustomtimeouts();
    const customTimeouts =
      timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())
        ? {
            ...(timeouts.getCreate() ? { create: timeouts.getCreate() } : {}),
            ...(timeouts.getUpdate() ? { update: timeouts.getUpdate() } : {}),
            ...(timeouts.getDelete() ? { delete: timeouts.getDelete() } : {}),
          }
        : undefined;
    const options: CapturedResourceOptions = {
      protect: req.hasProtect() ? req.getProtect() : false,
      ignoreChanges: req.getIgnorechangesList(),
      retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : false,
      deleteBeforeReplace: req.getDeletebeforereplace(),
      replaceOnChanges: req.getReplaceonchangesList(),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
      ...(customTimeouts ? { customTimeouts } : {}),
    };
    const inputs = rpc.deserializeProperties(req.getObject() as never) as Record<string, unknown>;
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent();
    await super.registerResource(req, (err: unknown, response?: unknown) => {
      if (!err && response) {
        const urn = (response as { getUrn(): string }).getUrn();
        const registered = this.resources.get(urn);
        const state = registered?.state;
        this.captured.push({
          type,
          name,
          urn,
          custom: req.getCustom(),
          ...(parent ? { parent } : {}),
          dependencies: req.getDependenciesList(),
          propertyDependencies,
          inputs,
          outputs: {
            ...(state ? (rpc.deserializeProperty(state) as Record<string, unknown>) : {}),
            ...(registered?.id ? { id: registered.id } : {}),
          },
          options,
        });
      }
      callback(err, response);
    });
  }
}

export interface MockRunOptions {
  readonly project?: string;
  readonly stack?: string;
  /** Fully qualified config (`ml-platform:endpoint` → JSON text). */
  readonly config?: Record<string, string>;
  readonly region?: string;
}

export interface MockRun {
  readonly resources: readonly CapturedResource[];
  /** What `build` threw, if anything. */
  readonly error?: unknown;
  /** Resources of one type token. */
  ofType(type: string): CapturedResource[];
  /** The single resource of a type (optionally with a given name); throws when there isn't exactly one. */
  one(type: string, name?: string): CapturedResource;
  /** The resource with this URN. */
  byUrn(urn: string): CapturedResource;
}

let fixtures: ReturnType<typeof loadFixtures> | undefined;

/**
 * Runs `build` (which constructs components) under a fresh mock monitor and waits until every registration and
 * output has settled. Errors thrown by `build` are returned, not thrown, so tests can assert what got registered.
 */
export async function runWithMocks(build: () => unknown, options: MockRunOptions = {}): Promise<MockRun> {
  fixtures ??= loadFixtures();
  const region = options.region ?? "us-east-1";
  const monitor = new CapturingMockMonitor({ fixtures, region });
  pulumi.runtime.setMockOptions(monitor, options.project ?? "ml-platform", options.stack ?? "test", false);
  Object.assign(runtimeState.getStore(), {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsReplaceWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: true,
    supportsInvokeTransforms: true,
    supportsParameterization: true,
    supportsResourceHooks: true,
    supportsErrorHooks: true,
    supportsInvokeDependsOn: false,
  });
  pulumi.runtime.setAllConfig({ "aws:region": region, ...options.config });

  let error: unknown;
  try {
    await build();
  } catch (err) {
    error = err;
  }
  // Registrations continue on later turns (inputs resolve, children register): wait until the count is stable.
  let previous = -1;
  while (previous !== monitor.captured.length) {
    previous = monitor.captured.length;
    await runtimeSettings.waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const resources = [...monitor.captured];
  return {
    resources,
    ...(error !== undefined ? { error } : {}),
    ofType: (type) => resources.filter((r) => r.type === type),
    one(type, name) {
      const matches = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (matches.length !== 1) {
        throw new Error(
          `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${matches.length}`,
        );
      }
      return matches[0]!;
    },
    byUrn(urn) {
      const match = resources.find((r) => r.urn === urn);
      if (!match) throw new Error(`no resource with URN ${urn}`);
      return match;
    },
  };
}

/** Parses a JSON policy document input (RolePolicy.policy, Role.assumeRolePolicy, BucketPolicy.policy). */
export function policyDocument(
  resource: CapturedResource,
  property = "policy",
): {
  Version: string;
  Statement: { Sid: string; Effect: string; Action: string[]; Resource?: string[]; Condition?: unknown }[];
} {
  const value = resource.inputs[property];
  if (typeof value !== "string") throw new Error(`${resource.name}.${property} is not a JSON string`);
  return JSON.parse(value);
}
