/**
 * Child process of the program runner (program-runner.ts). Receives one ChildRequest over IPC, runs the Pulumi
 * program under the mock runtime with a capturing monitor, sends one ChildResponse back and exits.
 *
 * It runs the program the way the Pulumi CLI's Node.js language host does (`@pulumi/pulumi/cmd/run`): config set
 * before the program loads, the program required inside `runInPulumiStack` so its exports become the stack outputs,
 * and a default-exported function called. Only the engine is replaced, by CapturingMonitor.
 */
// First: makes loading @pulumi/pulumi cheaper (see the module).
import "./program-runner-lazy-modules";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { dirname, sep } from "node:path";
import type {
  CapturedResource,
  CapturedResourceOptions,
  CapturedStack,
} from "../../components/lib/resource-graph";
import { FixturesError, loadFixtures } from "./data-source-fixtures";
import { answerInvoke, mockResourceState, UnansweredInvokeError, type MockAwsContext } from "./mock-aws";
import type { ChildRequest, ChildResponse, ProgramFailureKind } from "./program-runner";
import { mapStackLine } from "./source-positions";

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
// The SDK's log module as a mutable CommonJS exports object (the typed namespace import is read-only).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pulumiLog: { error: (...args: any[]) => Promise<void> } = require("@pulumi/pulumi/log");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState: { getStore(): Record<string, unknown> } = require("@pulumi/pulumi/runtime/state");

/** Special signature keys of Pulumi's wire format (sdk/nodejs/runtime/rpc.ts). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SIG_SECRET = "1b47061264138c4ac30d75fd1eb44270";
const SIG_RESOURCE_REF = "5cf8f73096256a8f31e491e813e4eb8e";
const SIG_OUTPUT_VALUE = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

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
  getReplaceonchangesList(): string[];
  getProvider(): string;
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

/**
 * A resource monitor that answers like the engine and a plausible AWS provider, and records every registration.
 * It extends MockMonitor (whose getResource invoke, feature support and stack transforms it keeps) because
 * MockMonitor's `newResource` callback sees neither parents nor options.
 */
class CapturingMonitor extends MockMonitor {
  readonly captured: CapturedResource[] = [];
  private readonly byUrn = new Map<string, number>();
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
      const inputs = plainObject(req.getObject());
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

/** The SDK's error classes mark instances with these flags (sdk/nodejs/errors.ts). */
function hasFlag(err: unknown, flag: string): boolean {
  return typeof err === "object" && err !== null && (err as Record<string, unknown>)[flag] === true;
}

interface Classified {
  kind: ProgramFailureKind;
  message: string;
  location?: string;
}

function formatPropertyErrors(
  message: string,
  errors: readonly { propertyPath: string; reason: string }[],
): string {
  const lines = errors
    .map((e) => `  - ${e.propertyPath}: ${e.reason}`)
    .filter((line) => !message.includes(line.slice(4)));
  return lines.length ? `${message}\n${lines.join("\n")}` : message;
}

/** Stack frames in the program's own files: not node internals, not node_modules, not this harness. */
function programFrames(err: Error): string | undefined {
  const harness = __dirname + sep;
  const frames = (err.stack ?? "")
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .filter(
      (line) =>
        !line.includes(`${sep}node_modules${sep}`) && !line.includes("node:") && !line.includes(harness),
    )
    .slice(0, 5)
    .map((line) => mapStackLine(line.trim()));
  return frames.length ? frames.join("\n") : undefined;
}

function classify(err: unknown, monitor: CapturingMonitor | undefined): Classified {
  if (monitor?.setupErrors.length) return { kind: "setup", message: monitor.setupErrors[0].message };
  if (err instanceof FixturesError || err instanceof UnansweredInvokeError)
    return { kind: "setup", message: err.message };
  if (hasFlag(err, "__pulumiInputPropertiesError")) {
    const e = err as pulumi.InputPropertiesError;
    return { kind: "config", message: formatPropertyErrors(e.message, e.errors ?? []) };
  }
  if (hasFlag(err, "__pulumiInputPropertyError")) {
    const e = err as pulumi.InputPropertyError;
    return { kind: "config", message: `${e.propertyPath}: ${e.reason}` };
  }
  if (err instanceof Error) {
    const issues = (err as { issues?: unknown }).issues;
    if (err.name === "ZodError" && Array.isArray(issues)) {
      const lines = (issues as { path?: (string | number)[]; message: string }[]).map(
        (i) => `  - ${i.path?.length ? i.path.join(".") : "(root)"}: ${i.message}`,
      );
      return { kind: "config", message: `invalid configuration:\n${lines.join("\n")}` };
    }
    // pulumi.Config's ConfigMissingError / ConfigTypeError / ..., and programs' own ConfigValidationError-style classes.
    const className = err.constructor?.name ?? "";
    if (/Config\w*Error$/.test(className) || /Config\w*Error$/.test(err.name)) {
      return { kind: "config", message: err.message };
    }
    // RunErrors are the SDK's "show the message, hide the stack" errors.
    if (hasFlag(err, "__pulumiRunError")) return { kind: "program", message: err.message };
    const location = programFrames(err);
    return { kind: "program", message: err.message || err.name, ...(location ? { location } : {}) };
  }
  return { kind: "program", message: String(err) };
}

function send(response: ChildResponse): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(JSON.stringify(response) + "\n");
      resolve();
      return;
    }
    process.send(response, () => resolve());
  });
}

async function run(request: ChildRequest): Promise<ChildResponse> {
  const diagnostics: string[] = [];
  let monitor: CapturingMonitor | undefined;
  let firstError: unknown;
  let failed = false;
  const record = (err: unknown) => {
    if (!failed) {
      failed = true;
      firstError = err;
    }
  };
  // The CLI's language host treats these as program failures too; an error thrown inside an apply lands here.
  process.on("unhandledRejection", record);
  process.on("uncaughtException", record);
  // `pulumi.log.error(...)` fails a real `pulumi up` even when nothing throws; remember the messages.
  const loggedErrors: string[] = [];
  const originalLogError = pulumiLog.error;
  pulumiLog.error = (msg: string, ...rest: unknown[]) => {
    loggedErrors.push(String(msg));
    return (originalLogError as (...a: unknown[]) => Promise<void>).call(pulumiLog, msg, ...rest);
  };
  try {
    const fixtures = loadFixtures(request.fixturesPath);
    const region = request.config["aws:region"] || fixtures.defaultRegion;
    if (!request.config["aws:region"]) {
      diagnostics.push(
        `aws:region is not set for stack ${request.stack}; using the fixtures' default ${region}`,
      );
    }
    monitor = new CapturingMonitor(request.project, request.stack, { fixtures, region });
    pulumi.runtime.setMockOptions(monitor, request.project, request.stack, request.dryRun);
    // The same feature flags setMocks turns on (setMockOptions resets them).
    const store = runtimeState.getStore();
    Object.assign(store, {
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
    pulumi.runtime.setAllConfig(request.config, request.secretKeys);

    await pulumi.runtime.runInPulumiStack(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      let exported = require(request.programPath);
      if (exported && Object.getOwnPropertyDescriptor(exported, "default") !== undefined) {
        const keys = Object.keys(exported).filter((k) => k !== "__esModule");
        if (keys.length === 1) exported = exported.default;
      }
      return exported instanceof Function ? exported() : exported;
    });
  } catch (err) {
    record(err);
  }
  // Let in-flight registrations (children registered on later turns of the event loop) reach the monitor.
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (waitForRPCs) {
    await Promise.race([
      waitForRPCs().catch(() => undefined),
      new Promise((r) => setTimeout(r, 10_000).unref()),
    ]);
  }
  await new Promise((r) => setImmediate(r));
  const resources = monitor ? [...monitor.captured] : [];
  if (failed || monitor?.setupErrors.length) {
    const classified = classify(firstError, monitor);
    return { ok: false, ...classified, resources, diagnostics };
  }
  if (loggedErrors.length > 0) {
    return { ok: false, kind: "program", message: loggedErrors.join("\n"), resources, diagnostics };
  }
  const stack: CapturedStack = {
    project: request.project,
    stack: request.stack,
    resources,
    outputs: monitor!.stackOutputs,
  };
  return { ok: true, stack, diagnostics };
}

// The parent went away (killed, crashed): nobody will read the result, so don't outlive it.
process.once("disconnect", () => process.exit(1));

process.once("message", (request: ChildRequest) => {
  run(request)
    .catch((err): ChildResponse => ({
      ok: false,
      kind: "setup",
      message: `program runner crashed: ${(err as Error)?.stack ?? String(err)}`,
      resources: [],
      diagnostics: [],
    }))
    .then(send)
    .finally(() => {
      // Pending timers or handles in the program must not keep the child alive.
      process.exit(0);
    });
});
