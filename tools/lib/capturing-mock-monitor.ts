/**
 * The capturing mock monitor shared by the program runner's child (program-runner-child.ts: whole programs, for the
 * offline preview and the program tests) and the component tests (test/support/mock-components.ts): one place that
 * answers registrations, invokes and reads like the engine plus a plausible AWS provider (tools/lib/mock-aws/), and
 * records every registration as a CapturedResource with its parent, dependencies and resource options, which
 * Pulumi's plain `setMocks` callbacks never see.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { dirname } from "node:path";
import type { CapturedResource, CapturedResourceOptions } from "./resource-graph";
import { answerInvoke, mockResourceState, UnansweredInvokeError, type MockAwsContext } from "./mock-aws";
import { aliasUrns, secretPaths, withAssetHashes } from "./capture-aliases";

// The protobuf Struct class must come from the same google-protobuf copy the Pulumi SDK uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const structproto: typeof import("google-protobuf/google/protobuf/struct_pb") = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", {
    paths: [dirname(require.resolve("@pulumi/pulumi"))],
  }),
);

type Struct = import("google-protobuf/google/protobuf/struct_pb").Struct;
type JsValue = import("google-protobuf/google/protobuf/struct_pb").JavaScriptValue;

/** The SDK's process-global store (runtime/state), not part of its typed API. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState: { getStore(): Record<string, unknown> } = require("@pulumi/pulumi/runtime/state");

/** Special signature keys of Pulumi's wire format (sdk/nodejs/runtime/rpc.ts). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SIG_SECRET = "1b47061264138c4ac30d75fd1eb44270";
const SIG_RESOURCE_REF = "5cf8f73096256a8f31e491e813e4eb8e";
const SIG_OUTPUT_VALUE = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

const ABSENT = Symbol("absent");

/**
 * Converts a wire-format value to the plain value the engine hands providers and analyzers: secrets unwrapped,
 * resource references reduced to the id (custom resources) or URN (components), unknowns dropped. Assets and
 * archives keep their wire form, which the policy pack's deserializer turns back into Asset/Archive objects.
 */
function toPlain(value: unknown): unknown {
  if (value === UNKNOWN_VALUE) return ABSENT;
  if (Array.isArray(value)) return value.map(toPlain).filter((v) => v !== ABSENT);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  switch (obj[SIG_KEY]) {
    case SIG_SECRET:
      return toPlain(obj.value);
    case SIG_RESOURCE_REF:
      return typeof obj.id === "string" && obj.id !== "" && obj.id !== UNKNOWN_VALUE ? obj.id : obj.urn;
    case SIG_OUTPUT_VALUE:
      return "value" in obj ? toPlain(obj.value) : ABSENT;
    default:
      break;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const p = toPlain(v);
    if (p !== ABSENT) out[k] = p;
  }
  return out;
}

function plainObject(struct: { toJavaScript(): unknown } | undefined): Record<string, unknown> {
  if (!struct) return {};
  const p = toPlain(struct.toJavaScript());
  return p !== null && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

type Callback = (err: unknown, response: unknown) => void;

/** Request objects are generated protobuf classes; these are the getters the monitor reads. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): Struct | undefined;
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
  getDeletebeforereplacedefined(): boolean;
  getAliasesList(): import("@pulumi/pulumi/proto/alias_pb").Alias[];
  getAliasurnsList(): string[];
  getReplaceonchangesList(): string[];
  getProvider(): string;
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

/**
 * A resource monitor that answers like the engine and a plausible AWS provider, and records every registration.
 * It extends MockMonitor (whose getResource invoke, feature support and stack transforms it keeps) because
 * MockMonitor's `newResource` callback sees neither parents nor options.
 */
export class CapturingMonitor extends MockMonitor {
  readonly captured: CapturedResource[] = [];
  private readonly byUrn = new Map<string, number>();
  /** Alias URNs per registered URN, for children that inherit their parent's aliases. */
  private readonly aliasesByUrn = new Map<string, string[]>();
  /** Failures of the harness (unanswered data sources), reported as setup errors ahead of the program's error. */
  readonly setupErrors: Error[] = [];
  stackOutputs: Record<string, unknown> = {};

  constructor(
    private readonly project: string,
    private readonly stackName: string,
    private readonly aws: MockAwsContext,
  ) {
    super({
      newResource: () => {
        throw new Error("CapturingMonitor handles registrations itself");
      },
      call: () => {
        throw new Error("CapturingMonitor handles invokes itself");
      },
    });
  }

  /** URNs as the engine builds them: the parent's qualified type chain, except the root stack's type. */
  private engineUrn(parent: string, type: string, name: string): string {
    let qualified = type;
    if (parent) {
      const parentQualified = parent.split("::")[2];
      if (parentQualified !== ROOT_STACK_TYPE) qualified = `${parentQualified}$${type}`;
    }
    return `urn:pulumi:${this.stackName}::${this.project}::${qualified}::${name}`;
  }

  override async registerResource(req: RegisterRequest, callback: Callback): Promise<void> {
    try {
      const type = req.getType();
      const name = req.getName();
      const parent = req.getParent();
      const custom = req.getCustom();
      const urn = this.engineUrn(parent, type, name);
      const inputs = withAssetHashes(plainObject(req.getObject())) as Record<string, unknown>;
      const aliases = aliasUrns(
        { stack: this.stackName, project: this.project, parent, type, name },
        urn,
        req.getAliasesList(),
        req.getAliasurnsList(),
        (parent && this.aliasesByUrn.get(parent)) || [],
      );
      this.aliasesByUrn.set(urn, aliases);
      const secrets = secretPaths(req.getObject()?.toJavaScript());
      let id = "";
      let outputs: Record<string, unknown> = {};
      let wireState: Record<string, unknown> = {};
      if (custom) {
        const computed = type.startsWith("pulumi:providers:")
          ? { id: `${name}-${urn.length.toString(16)}`, computed: {} }
          : mockResourceState(type, name, urn, inputs, this.aws);
        id = computed.id;
        outputs = { ...inputs, ...computed.computed, id };
        // Echo the inputs as the SDK serialized them (secrets and references intact), plus the computed values.
        const deserialized = rpc.deserializeProperties(req.getObject() ?? new structproto.Struct());
        wireState = await rpc.serializeProperties("", { ...deserialized, ...computed.computed });
      }
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
        ...(req.getDeletebeforereplacedefined() ? { deleteBeforeReplaceSet: true } : {}),
        replaceOnChanges: req.getReplaceonchangesList(),
        ...(req.getProvider() ? { provider: req.getProvider() } : {}),
        ...(customTimeouts ? { customTimeouts } : {}),
      };
      const resource: CapturedResource = {
        type,
        name,
        urn,
        custom,
        ...(parent ? { parent } : {}),
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        inputs,
        outputs,
        options,
        ...(aliases.length ? { aliases } : {}),
        ...(secrets.length ? { secretPaths: secrets } : {}),
      };
      this.byUrn.set(urn, this.captured.length);
      this.captured.push(resource);
      this.resources.set(urn, { urn, id: id || null, state: wireState });

      const response = new resproto.RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(id);
      response.setObject(structproto.Struct.fromJavaScript(wireState as Record<string, JsValue>));
      callback(null, response);
    } catch (err) {
      callback(err, undefined);
    }
  }

  override registerResourceOutputs(
    req: { getUrn(): string; getOutputs(): Struct | undefined },
    callback: Callback,
  ): void {
    try {
      const urn = req.getUrn();
      const index = this.byUrn.get(urn);
      if (index === undefined) throw new Error(`unknown resource ${urn}`);
      const outputs = plainObject(req.getOutputs());
      this.captured[index] = { ...this.captured[index], outputs };
      if (this.captured[index].type === ROOT_STACK_TYPE) this.stackOutputs = outputs;
      const registered = this.resources.get(urn);
      if (registered) registered.state = req.getOutputs()?.toJavaScript() ?? {};
      callback(null, {});
    } catch (err) {
      callback(err, undefined);
    }
  }

  override async invoke(
    req: { getTok(): string; getArgs(): Struct | undefined; getProvider(): string },
    callback: Callback,
  ): Promise<void> {
    const token = req.getTok();
    if (token === "pulumi:pulumi:getResource") {
      return super.invoke(req, callback);
    }
    try {
      const args = plainObject(req.getArgs());
      const result = answerInvoke(token, args, this.aws);
      const response = new resproto.ResourceInvokeResponse();
      response.setReturn(
        structproto.Struct.fromJavaScript(
          (await rpc.serializeProperties("", result)) as Record<string, JsValue>,
        ),
      );
      callback(null, response);
    } catch (err) {
      if (err instanceof UnansweredInvokeError) this.setupErrors.push(err);
      callback(err, undefined);
    }
  }

  override async readResource(
    req: {
      getType(): string;
      getName(): string;
      getParent(): string;
      getId(): string;
      getProperties(): Struct | undefined;
    },
    callback: Callback,
  ): Promise<void> {
    try {
      // `Resource.get(...)` reads existing state: answer with the given id and the mock provider's computed values.
      const urn = this.engineUrn(req.getParent(), req.getType(), req.getName());
      const inputs = plainObject(req.getProperties());
      const computed = mockResourceState(req.getType(), req.getName(), urn, inputs, this.aws);
      const wireState = await rpc.serializeProperties("", {
        ...inputs,
        ...computed.computed,
        id: req.getId(),
      });
      this.resources.set(urn, { urn, id: req.getId(), state: wireState });
      const response = new resproto.ReadResourceResponse();
      response.setUrn(urn);
      response.setProperties(structproto.Struct.fromJavaScript(wireState as Record<string, JsValue>));
      callback(null, response);
    } catch (err) {
      callback(err, undefined);
    }
  }
}

/**
 * Installs `monitor` as the process's Pulumi engine for `project`/`stack`, with the feature flags `setMocks` turns
 * on (which `setMockOptions` alone resets). `dryRun` true runs as `pulumi preview` does.
 */
export function installCapturingMonitor(
  monitor: CapturingMonitor,
  project: string,
  stack: string,
  dryRun: boolean,
): void {
  pulumi.runtime.setMockOptions(monitor, project, stack, dryRun);
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
}
