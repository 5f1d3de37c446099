// Runs the inference function the way Lambda does: the bundled dist/lambda/index.mjs, imported into this
// process, invoked with an event and a context, with its stdout (the log line and the EMF document) captured.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SageMakerEmulator } from "./sagemaker-emulator";

export const REPO_ROOT = join(__dirname, "..", "..", "..");
export const BUNDLE_PATH = join(REPO_ROOT, "dist", "lambda", "index.mjs");

export interface FunctionResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface LambdaContextLike {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
  [key: string]: unknown;
}

export type Handler = (event: unknown, context?: LambdaContextLike) => Promise<FunctionResponse>;

// Mocha loads these files as CommonJS, where TypeScript would turn `import()` into `require()`; an ES module
// (and a fresh instance of it, via the query string) can only be loaded through a real dynamic import.
const importEsm = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<any>;

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the bundle with the project's build (`npm run build`) when it is missing or older than lambda/. */
export function ensureBundle(): void {
  const sources = Math.max(
    newestSourceMtime(join(REPO_ROOT, "lambda")),
    statSync(join(REPO_ROOT, "tools", "build.mjs")).mtimeMs,
  );
  if (existsSync(BUNDLE_PATH) && statSync(BUNDLE_PATH).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(REPO_ROOT, "tools", "build.mjs")], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
}

let instanceCounter = 0;

/**
 * Imports a fresh instance of the bundle: its own module scope, SDK client and cold start, as a new Lambda
 * execution environment would have. The SDK resolves AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME on its first call.
 */
export async function importHandler(path = BUNDLE_PATH): Promise<Handler> {
  const module = await importEsm(`${pathToFileURL(path).href}?instance=${++instanceCounter}`);
  if (typeof module.handler !== "function") throw new Error(`${path} does not export handler`);
  return module.handler as Handler;
}

/** Sets (or, with undefined, deletes) environment variables; returns a function that restores them. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.keys(vars).map((key) => [key, process.env[key]] as const);
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

export function lambdaContext(overrides: Partial<LambdaContextLike> = {}): LambdaContextLike {
  const deadline = Date.now() + 30_000;
  return {
    awsRequestId: randomUUID(),
    functionName: "image-classifier",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:image-classifier",
    memoryLimitInMB: "512",
    getRemainingTimeInMillis: () => deadline - Date.now(),
    ...overrides,
  };
}

export interface Invocation {
  response: FunctionResponse;
  /** The structured log lines the invocation wrote (Powertools Logger). */
  logs: Record<string, any>[];
  /** The EMF documents it wrote (Powertools Metrics). */
  emf: Record<string, any>[];
  /** Everything written to stdout and stderr, line by line. */
  stdout: string[];
  elapsedMs: number;
}

/**
 * Diverts everything written to stdout and stderr into memory (nothing is echoed) until the returned function is
 * called; that function puts the streams back and returns the non-empty lines written meanwhile. Powertools
 * writes INFO lines and EMF to stdout and WARN/ERROR lines to stderr; Lambda sends both to CloudWatch Logs.
 */
export function captureOutput(): () => string[] {
  const captured: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  return () => {
    streams.forEach((stream, i) => (stream.write = originals[i]));
    return captured
      .join("")
      .split("\n")
      .filter((line) => line !== "");
  };
}

/**
 * Invokes the handler with stdout and stderr captured (see {@link captureOutput}).
 * Rejects if the handler throws, which it must never do.
 */
export async function invoke(
  handler: Handler,
  event: unknown,
  context = lambdaContext(),
): Promise<Invocation> {
  const stopCapture = captureOutput();
  const started = performance.now();
  let response: FunctionResponse;
  let stdout: string[];
  try {
    response = await handler(event, context);
  } finally {
    stdout = stopCapture();
  }
  const elapsedMs = performance.now() - started;
  const parsed = stdout.map((line) => {
    try {
      return JSON.parse(line) as Record<string, any>;
    } catch {
      return undefined;
    }
  });
  return {
    response,
    logs: parsed.filter((doc): doc is Record<string, any> => doc !== undefined && !("_aws" in doc)),
    emf: parsed.filter((doc): doc is Record<string, any> => doc !== undefined && "_aws" in doc),
    stdout,
    elapsedMs,
  };
}

export const TEST_ENDPOINT = "dog-breeds-prod";
export const TEST_ALLOWED_HOSTS = "images.example.com,.cdn.example.org,xn--bcher-kva.example";

/** The AWS side of the environment: dummy credentials, a region, the emulator, and nothing read from ~/.aws. */
export function awsEnv(emulator: SageMakerEmulator): Record<string, string | undefined> {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_SESSION_TOKEN: "dummy-session-token",
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: emulator.url,
    AWS_CONFIG_FILE: join(REPO_ROOT, "test", "support", "no-such-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(REPO_ROOT, "test", "support", "no-such-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    // Lambda runs nodejs22.x; the SDK's Node 20 deprecation notice is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_MAX_ATTEMPTS: undefined,
    AWS_RETRY_MODE: undefined,
    ENDPOINT_NAME: TEST_ENDPOINT,
    ALLOWED_IMAGE_HOSTS: TEST_ALLOWED_HOSTS,
    INVOKE_TIMEOUT_MS: undefined,
  };
}

export interface FunctionUnderTest {
  emulator: SageMakerEmulator;
  handler: Handler;
  invoke(event: unknown, context?: LambdaContextLike): Promise<Invocation>;
  stop(): Promise<void>;
}

/** An emulator plus a fresh instance of the bundled function pointed at it. Call `stop()` in `after`. */
export async function startFunctionUnderTest(): Promise<FunctionUnderTest> {
  ensureBundle();
  const emulator = await SageMakerEmulator.start();
  const restoreEnv = setEnv(awsEnv(emulator));
  const handler = await importHandler();
  return {
    emulator,
    handler,
    invoke: (event, context) => invoke(handler, event, context),
    async stop() {
      restoreEnv();
      await emulator.close();
    },
  };
}

/**
 * For a mocha suite: starts the emulator and a fresh instance of the bundle before its tests, stops both after
 * them, and resets the emulator (script and recorded requests) before each test. The returned object is filled
 * in by the `before` hook, so use it inside hooks and tests only.
 */
export function useFunctionUnderTest(): FunctionUnderTest {
  const fn = {} as FunctionUnderTest;
  before(async () => {
    Object.assign(fn, await startFunctionUnderTest());
  });
  after(async () => {
    await fn.stop?.();
  });
  beforeEach(() => {
    fn.emulator.reset();
  });
  return fn;
}

/** An HTTP API or Function URL (payload 2.0) POST event carrying `body`, as Lambda delivers it. */
export function functionUrlEvent(
  body: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    rawQueryString: "",
    headers: { "content-type": "application/json" },
    requestContext: { http: { method: "POST", path: "/", protocol: "HTTP/1.1", sourceIp: "198.51.100.7" } },
    body,
    isBase64Encoded: false,
    ...overrides,
  };
}
