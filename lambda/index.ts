// The inference function: validates {"url": "https://…"} from any of the three event shapes, invokes the
// SageMaker endpoint with it and returns the model's scores unchanged. Errors are returned, never thrown.
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { randomUUID } from "node:crypto";
import { parseConfig, type ConfigResult } from "./config";
import { mapInvokeError, type OutcomeMetric, type UpstreamDetail } from "./errors";
import { parseEvent } from "./events";
import { emitInvocation } from "./observability";
import { errorResponse, successResponse, type FunctionResponse } from "./response";
import { checkImageUrl } from "./url";

export type { FunctionResponse } from "./response";

/** Time kept back from Lambda's remaining time to log, emit metrics and return before Lambda's own timeout. */
export const DEADLINE_MARGIN_MS = 250;

/** The parts of the Lambda context the function uses; all optional so that a bare direct call still works. */
export interface InvocationContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

// Created once per execution environment and reused, so warm invocations reuse its keep-alive connection.
// Region, credentials and AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME come from the standard AWS variables.
const client = new SageMakerRuntimeClient({});

// The environment is parsed once per distinct set of values: once per cold start in Lambda, where it never
// changes, while tests may still change it between invocations in one process.
let configCache:
  { endpointName?: string; hosts?: string; timeout?: string; result: ConfigResult } | undefined;

function currentConfig(): ConfigResult {
  const endpointName = process.env.ENDPOINT_NAME;
  const hosts = process.env.ALLOWED_IMAGE_HOSTS;
  const timeout = process.env.INVOKE_TIMEOUT_MS;
  if (
    configCache === undefined ||
    configCache.endpointName !== endpointName ||
    configCache.hosts !== hosts ||
    configCache.timeout !== timeout
  ) {
    const result = parseConfig({
      ENDPOINT_NAME: endpointName,
      ALLOWED_IMAGE_HOSTS: hosts,
      INVOKE_TIMEOUT_MS: timeout,
    });
    configCache = { endpointName, hosts, timeout, result };
  }
  return configCache.result;
}

let coldStart = true;

/** Everything the invocation's single log line records. */
interface Outcome {
  response: FunctionResponse;
  eventShape?: string;
  urlHost?: string;
  rejectedRule?: string;
  metric?: OutcomeMetric | "Rejected";
  upstream?: UpstreamDetail;
}

/**
 * The Lambda entry point (`index.handler`). Accepts a direct `{"url"}` event, an API Gateway REST proxy event or
 * an HTTP API / Function URL event; always resolves to `{statusCode, headers, body}` and never rejects.
 */
export async function handler(event: unknown, context?: InvocationContext): Promise<FunctionResponse> {
  const started = performance.now();
  const wasColdStart = coldStart;
  coldStart = false;
  const requestId =
    typeof context?.awsRequestId === "string" && context.awsRequestId !== ""
      ? context.awsRequestId
      : randomUUID();
  let outcome: Outcome;
  try {
    outcome = await invoke(event, context, requestId);
  } catch (err) {
    // Nothing above is expected to throw; if it does, the caller still gets a well-formed answer.
    outcome = {
      response: errorResponse(500, "InternalError", "unexpected error in the function", requestId),
      upstream: { errorName: err instanceof Error ? err.name : typeof err },
      metric: "Misconfigured",
    };
  }
  record(outcome, requestId, wasColdStart, performance.now() - started);
  return outcome.response;
}

async function invoke(
  event: unknown,
  context: InvocationContext | undefined,
  requestId: string,
): Promise<Outcome> {
  const config = currentConfig();
  if (!config.ok) {
    return {
      response: errorResponse(500, "ConfigurationError", config.message, requestId),
      metric: "Misconfigured",
    };
  }

  const parsed = parseEvent(event);
  if (!parsed.ok) {
    return {
      response: errorResponse(parsed.status, parsed.error, parsed.message, requestId, {
        allow: parsed.status === 405 ? "POST" : undefined,
      }),
      eventShape: parsed.shape,
      metric: "Rejected",
    };
  }

  const url = checkImageUrl(parsed.url, config.config.allowedHosts);
  if (!url.ok) {
    return {
      response: errorResponse(400, "InvalidUrl", url.message, requestId),
      eventShape: parsed.shape,
      urlHost: url.host,
      rejectedRule: url.rule,
      metric: "Rejected",
    };
  }

  const remaining =
    typeof context?.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : Infinity;
  const budgetMs = Math.floor(Math.min(config.config.invokeTimeoutMs, remaining - DEADLINE_MARGIN_MS));
  if (!(budgetMs >= 1)) {
    const failure = mapInvokeError(undefined, true);
    return {
      eventShape: parsed.shape,
      urlHost: url.host,
      response: errorResponse(504, failure.error, failure.message, requestId),
      metric: "Timeout",
    };
  }

  // One overall deadline across connection set-up, retries with their backoff, and reading the body. The SDK
  // honours the signal at each of those stages (its retry middleware races it, its HTTP handler destroys the
  // request, which also fails a body still streaming) and never retries an abort, unlike a per-attempt
  // requestTimeout, which is retried (1 s becomes 3 s) and since @smithy/node-http-handler 4.4 only warns.
  const deadline = AbortSignal.timeout(budgetMs);
  try {
    const command = new InvokeEndpointCommand({
      EndpointName: config.config.endpointName,
      ContentType: "application/json",
      Accept: "application/json",
      Body: JSON.stringify({ url: url.href }),
    });
    const output = await client.send(command, { abortSignal: deadline });
    const body = output.Body === undefined ? "" : await output.Body.transformToString("utf-8");
    const metadata = output.$metadata;
    return {
      response: successResponse(body),
      eventShape: parsed.shape,
      urlHost: url.host,
      upstream: {
        errorName: "",
        sdkAttempts: metadata.attempts,
        sdkTotalRetryDelayMs: metadata.totalRetryDelay,
        sagemakerRequestId: metadata.requestId,
        invokedVariant: output.InvokedProductionVariant,
      },
    };
  } catch (err) {
    const failure = mapInvokeError(err, deadline.aborted);
    return {
      response: errorResponse(failure.status, failure.error, failure.message, requestId, {
        retryAfterSeconds: failure.retryAfterSeconds,
      }),
      eventShape: parsed.shape,
      urlHost: url.host,
      metric: failure.metric,
      upstream: failure.detail,
    };
  }
}

/**
 * Emits the invocation's one structured log line (Powertools Logger) and its EMF metrics document (Powertools
 * Metrics), before the handler returns. Never throws.
 */
function record(outcome: Outcome, requestId: string, coldStart: boolean, latencyMs: number): void {
  const status = outcome.response.statusCode;
  // Only the keys that have a value.
  const line: Record<string, string | number | boolean> = {
    requestId,
    coldStart,
    status,
    latencyMs: Math.round(latencyMs * 1000) / 1000,
  };
  if (outcome.eventShape !== undefined) line.eventShape = outcome.eventShape;
  if (outcome.urlHost !== undefined) line.urlHost = outcome.urlHost;
  if (outcome.rejectedRule !== undefined) line.rejectedRule = outcome.rejectedRule;
  const upstream = outcome.upstream;
  if (upstream !== undefined) {
    // Includes SageMaker's message, OriginalMessage and LogStreamArn on errors: they may carry the account id,
    // so they belong in the log and never in a response.
    for (const key in upstream) {
      const value = upstream[key as keyof UpstreamDetail];
      if (value !== undefined && value !== "") line[key] = value;
    }
  }
  emitInvocation(status, line, latencyMs, outcome.metric);
}
