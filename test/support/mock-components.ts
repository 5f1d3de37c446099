/**
 * In-process mock runtime for component unit tests: constructs components under the same capturing monitor the
 * offline preview's program runner uses (tools/lib/capturing-mock-monitor.ts) and returns every registration as a
 * CapturedResource (tools/lib/resource-graph.ts), with parents, dependencies and resource options, exactly as
 * the program tests and the policy pack see them: inputs as plain values, assets and archives in their wire form.
 *
 * Resource outputs and data sources are answered by the same mock AWS provider and fixture file as the offline
 * preview (tools/lib/mock-aws/, tools/preview/fixtures.yaml), so ARNs and names look alike in both.
 *
 * Whole-program tests use tools/lib/program-runner.ts instead (a child process per stack).
 */
import * as pulumi from "@pulumi/pulumi";
import type { CapturedResource } from "../../tools/lib/resource-graph";
import { CapturingMonitor, installCapturingMonitor } from "../../tools/lib/capturing-mock-monitor";
import { loadFixtures } from "../../tools/lib/data-source-fixtures";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeSettings: { waitForRPCs(): Promise<void> } = require("@pulumi/pulumi/runtime/settings");

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
  const project = options.project ?? "ml-platform";
  const stack = options.stack ?? "test";
  const monitor = new CapturingMonitor(project, stack, { fixtures, region });
  installCapturingMonitor(monitor, project, stack, false);
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
