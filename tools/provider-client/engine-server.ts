/**
 * The engine side of a Construct call, served over gRPC on 127.0.0.1: the ResourceMonitor a component provider
 * registers its children with, and the Engine it logs to. Registrations, invokes and reads are answered by the same
 * CapturingMonitor (and so the same mock AWS provider and data-source fixtures) that the offline preview and the
 * component tests run the TypeScript components under, so what a component registers through Construct can be
 * compared one to one with what the TypeScript program registers.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import * as resourceGrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourcePb from "@pulumi/pulumi/proto/resource_pb";
import { CapturingMonitor, ROOT_STACK_TYPE } from "../lib/capturing-mock-monitor";
import { loadFixtures } from "../lib/data-source-fixtures";

/**
 * Monitor features the SDK asks for (`SupportsFeature`; this server has no GetDeploymentInfo, so the SDK probes them
 * one by one). Those that change how a registration is serialized match the in-process mock runtime
 * (installCapturingMonitor); transforms, hooks and parameterization are not served here.
 */
const DEFAULT_FEATURES: Readonly<Record<string, boolean>> = {
  secrets: true,
  resourceReferences: true,
  outputValues: false,
  deletedWith: true,
  replaceWith: true,
  aliasSpecs: true,
  transforms: false,
  invokeTransforms: false,
  parameterization: false,
  resourceHooks: false,
  errorHooks: false,
};

export interface EngineLogEntry {
  readonly severity: number;
  readonly message: string;
  readonly urn: string;
}

export interface EngineServerOptions {
  readonly project?: string;
  readonly stack?: string;
  readonly region?: string;
  /** Overrides of {@link DEFAULT_FEATURES}, e.g. `{ aliasSpecs: false }` to make the SDK compute alias URNs. */
  readonly features?: Readonly<Record<string, boolean>>;
}

export interface EngineServer {
  /** `127.0.0.1:<port>` of both services. */
  readonly address: string;
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  /** The root stack's URN: the parent to give Construct. */
  readonly stackUrn: string;
  readonly monitor: CapturingMonitor;
  readonly logs: readonly EngineLogEntry[];
  close(): Promise<void>;
}

type UnaryCall<Req> = { request: Req };
type UnaryCallback = (err: grpc.ServiceError | null, response?: unknown) => void;

function asServiceError(err: unknown): grpc.ServiceError {
  const message = err instanceof Error ? err.message : String(err);
  return Object.assign(new Error(message), {
    code: grpc.status.UNKNOWN,
    details: message,
    metadata: new grpc.Metadata(),
  });
}

/** Adapts a CapturingMonitor method (`(req, callback)`) to a gRPC handler whose response must be `responseType`. */
function handler<Req>(
  method: (req: Req, callback: (err: unknown, response: unknown) => void) => unknown,
  toResponse: (response: unknown) => unknown = (r) => r,
): grpc.handleUnaryCall<Req, unknown> {
  return (call: UnaryCall<Req>, callback: UnaryCallback) => {
    Promise.resolve(
      method(call.request, (err, response) =>
        err ? callback(asServiceError(err)) : callback(null, toResponse(response)),
      ),
    ).catch((err: unknown) => callback(asServiceError(err)));
  };
}

/** Starts the ResourceMonitor and Engine services on one loopback port. */
export async function startEngineServer(options: EngineServerOptions = {}): Promise<EngineServer> {
  const project = options.project ?? "ml-platform";
  const stack = options.stack ?? "test";
  const region = options.region ?? "us-east-1";
  const features = { ...DEFAULT_FEATURES, ...options.features };
  const monitor = new CapturingMonitor(project, stack, { fixtures: loadFixtures(), region });
  const stackUrn = `urn:pulumi:${stack}::${project}::${ROOT_STACK_TYPE}::${project}-${stack}`;
  const logs: EngineLogEntry[] = [];
  let rootUrn = stackUrn;

  const server = new grpc.Server();
  server.addService(resourceGrpc.ResourceMonitorService, {
    supportsFeature: (call: UnaryCall<resourcePb.SupportsFeatureRequest>, callback: UnaryCallback) => {
      const response = new resourcePb.SupportsFeatureResponse();
      response.setHassupport(features[call.request.getId()] ?? false);
      callback(null, response);
    },
    registerResource: handler(monitor.registerResource.bind(monitor) as never),
    registerResourceOutputs: handler(
      monitor.registerResourceOutputs.bind(monitor) as never,
      () => new Empty(),
    ),
    invoke: handler(monitor.invoke.bind(monitor) as never),
    readResource: handler(monitor.readResource.bind(monitor) as never),
  });
  server.addService(engineGrpc.EngineService, {
    log: (call: UnaryCall<enginePb.LogRequest>, callback: UnaryCallback) => {
      logs.push({
        severity: call.request.getSeverity(),
        message: call.request.getMessage(),
        urn: call.request.getUrn(),
      });
      callback(null, new Empty());
    },
    getRootResource: (_call: unknown, callback: UnaryCallback) => {
      const response = new enginePb.GetRootResourceResponse();
      response.setUrn(rootUrn);
      callback(null, response);
    },
    setRootResource: (call: UnaryCall<enginePb.SetRootResourceRequest>, callback: UnaryCallback) => {
      rootUrn = call.request.getUrn();
      callback(null, new enginePb.SetRootResourceResponse());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    project,
    stack,
    region,
    stackUrn,
    monitor,
    logs,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
