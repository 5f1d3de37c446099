// A local stand-in for the SageMaker runtime API (InvokeEndpoint), speaking its wire format: requests arrive as
// `POST /endpoints/{EndpointName}/invocations`; errors go out as an HTTP status, the `x-amzn-ErrorType` header
// and a JSON body with capitalised members. Tests script it per attempt and read what it recorded.
// It binds 127.0.0.1 on port 0 and never touches anything else.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";

/** What the emulator does with one request (one SDK attempt). */
export type Behaviour =
  | {
      kind: "success";
      /** Sent byte for byte. Default: {@link MODEL_SCORES}. */
      body?: string | Buffer;
      contentType?: string;
      /** `x-Amzn-Invoked-Production-Variant`. Default "AllTraffic". */
      variant?: string;
      delayMs?: number;
    }
  | {
      kind: "error";
      status: number;
      /** Sent as `x-amzn-ErrorType`; omit with `typeInBody` to exercise the SDK's body fallback. */
      errorType: string;
      body?: Record<string, unknown>;
      /** Put the type in the body (`__type`) instead of the header. */
      typeInBody?: boolean;
      /** Extra response headers, e.g. a `retry-after` hint, which the SDK's retry strategy honours. */
      headers?: Record<string, string>;
      delayMs?: number;
    }
  /** Destroys the socket after reading the request: the client sees ECONNRESET / "socket hang up". */
  | { kind: "reset"; delayMs?: number }
  /** Sends 200 and the headers, then never finishes the body. */
  | { kind: "stall-body" }
  /** Never answers (until the client gives up or the emulator closes). */
  | { kind: "hang" };

/** A scripted SageMaker error, as the helpers in {@link sagemakerErrors} build them. */
export type ErrorBehaviour = Extract<Behaviour, { kind: "error" }>;

export interface RecordedRequest {
  method: string;
  path: string;
  /** Decoded from the path, when it has the InvokeEndpoint shape. */
  endpointName?: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** From `amz-sdk-request: attempt=N; max=M`. */
  attempt?: number;
  maxAttempts?: number;
  invocationId?: string;
  /** Which TCP connection carried it (1, 2, …), for connection-reuse assertions. */
  connectionId: number;
  /** The `x-amzn-RequestId` the emulator answered with. */
  requestId: string;
  receivedAt: number;
}

export const ACCOUNT_ID = "123456789012";
export const LOG_STREAM_ARN = `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:/aws/sagemaker/Endpoints/dog-breeds`;

/** Deterministic 133 raw logits as Python's json.dumps writes them, including spellings JS would re-serialise
 * differently (-0.0, 1e-05, trailing exponent forms), so any parse-and-stringify in the path shows up. */
export const MODEL_SCORES: string = (() => {
  let seed = 0x2545f491;
  const values: string[] = [];
  for (let i = 0; i < 133; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const fixed = ((seed / 2 ** 32) * 30 - 18).toFixed(6).replace(/0+$/, "");
    values.push(fixed.endsWith(".") ? `${fixed}0` : fixed);
  }
  values[3] = "-0.0";
  values[17] = "1e-05";
  values[42] = "-3.4028234663852886e+38";
  values[99] = "12.0";
  return `[[${values.join(", ")}]]`;
})();

/** Errors as SageMaker sends them, with messages that carry the account id and log stream, as the real ones do. */
export const sagemakerErrors = {
  modelError(originalStatusCode: number, originalMessage = "Could not fetch image"): ErrorBehaviour {
    return {
      kind: "error",
      status: 424,
      errorType: "ModelError",
      body: {
        Message:
          `Received client error (${originalStatusCode}) from primary with message "${originalMessage}". ` +
          `See https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEventViewer:group=` +
          `/aws/sagemaker/Endpoints/dog-breeds in account ${ACCOUNT_ID} for more information.`,
        OriginalStatusCode: originalStatusCode,
        OriginalMessage: originalMessage,
        LogStreamArn: LOG_STREAM_ARN,
      },
    };
  },
  validationError(): ErrorBehaviour {
    return {
      kind: "error",
      status: 400,
      errorType: "ValidationError",
      body: { Message: `Endpoint dog-breeds of account ${ACCOUNT_ID} not found.` },
    };
  },
  accessDenied(): ErrorBehaviour {
    return {
      kind: "error",
      status: 403,
      errorType: "AccessDeniedException",
      body: {
        Message:
          `User: arn:aws:sts::${ACCOUNT_ID}:assumed-role/classifier/fn is not authorized to perform: ` +
          `sagemaker:InvokeEndpoint on resource: arn:aws:sagemaker:us-east-1:${ACCOUNT_ID}:endpoint/dog-breeds`,
      },
    };
  },
  modelNotReady(): ErrorBehaviour {
    return {
      kind: "error",
      status: 429,
      errorType: "ModelNotReadyException",
      body: { Message: `Model for endpoint dog-breeds of account ${ACCOUNT_ID} is not ready.` },
    };
  },
  throttling(): ErrorBehaviour {
    return {
      kind: "error",
      status: 400,
      errorType: "ThrottlingException",
      body: { Message: `Rate exceeded for account ${ACCOUNT_ID}` },
    };
  },
  internalFailure(): ErrorBehaviour {
    return {
      kind: "error",
      status: 500,
      errorType: "InternalFailure",
      body: { Message: `An internal failure occurred for account ${ACCOUNT_ID}.` },
    };
  },
  serviceUnavailable(): ErrorBehaviour {
    return {
      kind: "error",
      status: 503,
      errorType: "ServiceUnavailable",
      body: { Message: `Service unavailable for account ${ACCOUNT_ID}.` },
    };
  },
  internalDependency(): ErrorBehaviour {
    return {
      kind: "error",
      status: 530,
      errorType: "InternalDependencyException",
      body: { Message: `Internal dependency failure for account ${ACCOUNT_ID}.` },
    };
  },
};

const INVOCATIONS_PATH = /^\/endpoints\/([^/]+)\/invocations$/;

export class SageMakerEmulator {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private script: Behaviour[] = [];
  private fallback: Behaviour = { kind: "success" };
  private connectionCount = 0;
  private readonly connectionIds = new WeakMap<Socket, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private requestCounter = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<SageMakerEmulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("emulator: no TCP address");
    const emulator = new SageMakerEmulator(server, `http://127.0.0.1:${address.port}`);
    server.on("connection", (socket: Socket) =>
      emulator.connectionIds.set(socket, ++emulator.connectionCount),
    );
    server.on("request", (req, res) => emulator.handle(req, res));
    return emulator;
  }

  /** TCP connections accepted so far. */
  get connections(): number {
    return this.connectionCount;
  }

  /**
   * Scripts the next requests, one behaviour per attempt, in order; once they are used up, `then` applies
   * (default: success). Clears what an earlier test scripted and recorded.
   */
  respond(behaviours: Behaviour | Behaviour[], then: Behaviour = { kind: "success" }): this {
    this.script = Array.isArray(behaviours) ? [...behaviours] : [behaviours];
    this.fallback = then;
    this.requests.length = 0;
    return this;
  }

  /** Back to "always succeed", nothing recorded. */
  reset(): this {
    return this.respond([], { kind: "success" });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private later(delayMs: number | undefined, action: () => void): void {
    if (!delayMs) return action();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "";
      const match = INVOCATIONS_PATH.exec(path);
      const requestId = `emu-${++this.requestCounter}`;
      const sdkRequest = /attempt=(\d+); max=(\d+)/.exec(String(req.headers["amz-sdk-request"] ?? ""));
      this.requests.push({
        method: req.method ?? "",
        path,
        endpointName: match ? decodeURIComponent(match[1]) : undefined,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        attempt: sdkRequest ? Number(sdkRequest[1]) : undefined,
        maxAttempts: sdkRequest ? Number(sdkRequest[2]) : undefined,
        invocationId: req.headers["amz-sdk-invocation-id"] as string | undefined,
        connectionId: this.connectionIds.get(req.socket) ?? 0,
        requestId,
        receivedAt: Date.now(),
      });
      if (req.method !== "POST" || !match) {
        // What the real service answers for an unknown operation.
        return this.sendError(res, requestId, {
          kind: "error",
          status: 404,
          errorType: "UnknownOperationException",
          body: { Message: "Unknown operation" },
        });
      }
      this.act(this.script.shift() ?? this.fallback, req, res, requestId);
    });
  }

  private act(behaviour: Behaviour, req: IncomingMessage, res: ServerResponse, requestId: string): void {
    switch (behaviour.kind) {
      case "success":
        return this.later(behaviour.delayMs, () => {
          if (res.destroyed) return;
          const body = behaviour.body ?? MODEL_SCORES;
          res.writeHead(200, {
            "content-type": behaviour.contentType ?? "application/json",
            "x-amzn-requestid": requestId,
            "x-amzn-invoked-production-variant": behaviour.variant ?? "AllTraffic",
            "content-length": Buffer.byteLength(body),
          });
          res.end(body);
        });
      case "error":
        return this.later(behaviour.delayMs, () => this.sendError(res, requestId, behaviour));
      case "reset":
        return this.later(behaviour.delayMs, () => req.socket.destroy());
      case "stall-body":
        res.writeHead(200, { "content-type": "application/json", "x-amzn-requestid": requestId });
        res.write("[[0.1, ");
        return;
      case "hang":
        return;
    }
  }

  private sendError(res: ServerResponse, requestId: string, behaviour: ErrorBehaviour): void {
    if (res.destroyed) return;
    const payload = behaviour.typeInBody
      ? { __type: behaviour.errorType, ...behaviour.body }
      : (behaviour.body ?? {});
    const body = JSON.stringify(payload);
    const headers: Record<string, string | number> = {
      ...behaviour.headers,
      "content-type": "application/json",
      "x-amzn-requestid": requestId,
      "content-length": Buffer.byteLength(body),
    };
    if (!behaviour.typeInBody) headers["x-amzn-errortype"] = behaviour.errorType;
    res.writeHead(behaviour.status, headers);
    res.end(body);
  }
}
