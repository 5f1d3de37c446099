/**
 * Starts the components package the way the Pulumi CLI starts a Node.js component plugin and talks to it over the
 * provider gRPC protocol (`@pulumi/pulumi/proto/provider_grpc_pb`).
 *
 * The CLI runs `node <@pulumi/pulumi>/cmd/run-plugin <plugin dir> <engine address>` in the plugin's directory and
 * reads the port the plugin prints on stdout. run-plugin loads the directory's package.json `main`, finds the
 * exported ComponentResource classes, derives the provider name from the package name (`@ml-platform/components` →
 * `components`, namespace `ml-platform`) and serves GetPluginInfo, GetSchema (inferred from the TypeScript types
 * by `@pulumi/pulumi/provider/experimental`) and Construct. Construct needs the engine address given at start-up
 * (for logs) and the resource monitor address given in each request; see engine-server.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import * as errorsPb from "@pulumi/pulumi/proto/errors_pb";
import type * as pluginPb from "@pulumi/pulumi/proto/plugin_pb";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import * as statusPb from "@pulumi/pulumi/proto/status_pb";

/**
 * The components package's plugin folder, the one `pulumi package add` is given: PulumiPlugin.yaml, and a package.json
 * whose `main` is the bundle `npm run build` compiles (bin/index.js).
 */
export const COMPONENTS_PACKAGE_DIR = path.resolve(__dirname, "..", "..", "components", "plugin");

/** The Pulumi SDK's run-plugin entry point, the one the CLI starts a Node.js plugin with. */
export const RUN_PLUGIN = path.join(
  path.dirname(require.resolve("@pulumi/pulumi/package.json")),
  "cmd",
  "run-plugin",
);

export interface StartPluginOptions {
  readonly packageDir?: string;
  /** The engine's gRPC address (see startEngineServer); the CLI always passes one. */
  readonly engineAddress: string;
  /** Give up when no port has been printed after this long. */
  readonly startTimeoutMs?: number;
}

/** A property error of an InputPropertiesError, as Construct returns it in the gRPC status details. */
export interface PropertyError {
  readonly propertyPath: string;
  readonly reason: string;
}

/** A failed Construct: the gRPC error, with the property errors when the component rejected its inputs. */
export class ConstructError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly propertyErrors: readonly PropertyError[],
  ) {
    super(message);
  }
}

export interface ConstructRequest {
  readonly type: string;
  readonly name: string;
  /** Plain JSON inputs, as another language's SDK sends them. */
  readonly inputs: Record<string, unknown>;
  /**
   * Per input, the URNs of the resources its value came from, as an SDK sends them for an input built from another
   * resource's output: the component then receives that input as an Output.
   */
  readonly inputDependencies?: Record<string, string[]>;
  readonly monitorAddress: string;
  readonly project: string;
  readonly stack: string;
  readonly parentUrn: string;
  readonly config?: Record<string, string>;
  readonly dryRun?: boolean;
}

export interface ConstructResult {
  readonly urn: string;
  readonly state: Record<string, unknown>;
}

export interface ComponentPlugin {
  /** Milliseconds from spawn to the printed port (load, type-check and gRPC start-up). */
  readonly startupMs: number;
  readonly process: ChildProcess;
  /** What the plugin wrote to stderr so far. */
  stderr(): string;
  getPluginInfo(): Promise<{ version: string }>;
  /** The package schema, parsed. */
  getSchema(): Promise<Record<string, unknown>>;
  construct(request: ConstructRequest): Promise<ConstructResult>;
  close(): Promise<void>;
}

function unary<Req, Res>(
  method: (req: Req, callback: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
  req: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => method(req, (err, res) => (err ? reject(err) : resolve(res))));
}

/** The InputPropertiesError details of a failed call (`grpc-status-details-bin`), if any. */
export function propertyErrorsOf(err: grpc.ServiceError): PropertyError[] {
  const raw = err.metadata?.get("grpc-status-details-bin")[0];
  if (!raw) return [];
  const status = statusPb.Status.deserializeBinary(new Uint8Array(raw as Buffer));
  return status.getDetailsList().flatMap((detail) => {
    if (!detail.getTypeUrl().endsWith("pulumirpc.InputPropertiesError")) return [];
    const details = errorsPb.InputPropertiesError.deserializeBinary(detail.getValue_asU8());
    return details.getErrorsList().map((e) => ({ propertyPath: e.getPropertyPath(), reason: e.getReason() }));
  });
}

/** Spawns the plugin exactly as the CLI does and connects to the port it prints. */
export async function startComponentPlugin(options: StartPluginOptions): Promise<ComponentPlugin> {
  const packageDir = options.packageDir ?? COMPONENTS_PACKAGE_DIR;
  const main = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")).main ?? "index.js";
  if (!existsSync(path.join(packageDir, main)))
    throw new Error(`${path.join(packageDir, main)} (package.json main) is missing: run \`npm run build\``);
  const started = performance.now();
  const child = spawn(process.execPath, [RUN_PLUGIN, packageDir, options.engineAddress], {
    cwd: packageDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(
        new Error(`the plugin printed no port within ${options.startTimeoutMs ?? 120_000} ms:\n${stderr}`),
      );
    }, options.startTimeoutMs ?? 120_000);
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const match = /^(\d+)\s*$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the plugin exited with ${code} before printing its port:\n${stdout}${stderr}`));
    });
  });
  const startupMs = performance.now() - started;
  const client = new providerGrpc.ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );

  return {
    startupMs,
    process: child,
    stderr: () => stderr,
    async getPluginInfo() {
      const info = await unary<Empty, pluginPb.PluginInfo>(client.getPluginInfo.bind(client), new Empty());
      return { version: info.getVersion() };
    },
    async getSchema() {
      const request = new providerPb.GetSchemaRequest();
      request.setVersion(0);
      const response = await unary<providerPb.GetSchemaRequest, providerPb.GetSchemaResponse>(
        client.getSchema.bind(client),
        request,
      );
      return JSON.parse(response.getSchema()) as Record<string, unknown>;
    },
    async construct(req) {
      const request = new providerPb.ConstructRequest();
      request.setProject(req.project);
      request.setStack(req.stack);
      request.setType(req.type);
      request.setName(req.name);
      request.setParent(req.parentUrn);
      request.setMonitorendpoint(req.monitorAddress);
      request.setDryrun(req.dryRun ?? false);
      request.setParallel(8);
      request.setInputs(Struct.fromJavaScript(req.inputs as Record<string, JavaScriptValue>));
      for (const [key, value] of Object.entries(req.config ?? {})) request.getConfigMap().set(key, value);
      for (const [key, urns] of Object.entries(req.inputDependencies ?? {})) {
        const dependencies = new providerPb.ConstructRequest.PropertyDependencies();
        dependencies.setUrnsList(urns);
        request.getInputdependenciesMap().set(key, dependencies);
      }
      try {
        const response = await unary<providerPb.ConstructRequest, providerPb.ConstructResponse>(
          client.construct.bind(client),
          request,
        );
        return {
          urn: response.getUrn(),
          state: (response.getState()?.toJavaScript() ?? {}) as Record<string, unknown>,
        };
      } catch (err) {
        const serviceError = err as grpc.ServiceError;
        throw new ConstructError(
          serviceError.details ?? serviceError.message,
          serviceError.code,
          propertyErrorsOf(serviceError),
        );
      }
    },
    async close() {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
      }
    },
  };
}
