// Maps what the SDK throws to the function's answer. Pure. The rule that matters most: callers get a status,
// a stable error code and our own message; SageMaker's message, OriginalMessage and LogStreamArn (which carry
// the account id) go to the log only.

export type UpstreamErrorCode =
  "ImageNotProcessable" | "ModelError" | "UpstreamError" | "ServiceUnavailable" | "Timeout" | "InternalError";

/** The metric an outcome counts towards, besides Latency. */
export type OutcomeMetric = "ModelError" | "Throttled" | "Timeout" | "UpstreamError" | "Misconfigured";

export interface InvokeFailure {
  status: 422 | 500 | 502 | 503 | 504;
  error: UpstreamErrorCode;
  /** Safe for callers: written here, never copied from the upstream error. */
  message: string;
  retryAfterSeconds?: number;
  metric: OutcomeMetric;
  /** For the log line only. */
  detail: UpstreamDetail;
}

/** What the log line records about the call (keys as logged). Never returned to callers. */
export interface UpstreamDetail {
  errorName: string;
  originalStatusCode?: number;
  upstreamHttpStatus?: number;
  sdkAttempts?: number;
  sdkTotalRetryDelayMs?: number;
  sagemakerRequestId?: string;
  invokedVariant?: string;
  upstreamMessage?: string;
  originalMessage?: string;
  logStreamArn?: string;
}

/** Retry-After for 503s, in seconds. A model that is not ready is usually loading or scaling out. */
export const RETRY_AFTER_MODEL_NOT_READY_S = 10;
export const RETRY_AFTER_THROTTLED_S = 1;

// The names the SDK itself treats as throttling (plus SageMaker's own 429, ModelNotReadyException).
const THROTTLING_NAMES = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "TransactionInProgressException",
  "RequestLimitExceeded",
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "RequestThrottled",
  "SlowDown",
  "PriorRequestNotComplete",
  "EC2ThrottledException",
]);

// Errors that mean the function itself is deployed wrongly: wrong endpoint name or region, missing IAM
// permission, no or bad credentials.
const MISCONFIGURATION_NAMES = new Set([
  "ValidationError",
  "ValidationException",
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "IncompleteSignature",
  "MissingAuthenticationTokenException",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "CredentialsProviderError",
]);

const MAX_LOGGED_MESSAGE = 1024;

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value.slice(0, MAX_LOGGED_MESSAGE) : undefined;
}

function num(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** Collects the loggable facts from an SDK (or network) error. */
export function upstreamDetail(err: unknown): UpstreamDetail {
  if (typeof err !== "object" || err === null) return { errorName: typeof err };
  const e = err as Record<string, any>;
  const metadata = typeof e.$metadata === "object" && e.$metadata !== null ? e.$metadata : {};
  const headers = e.$response?.headers;
  return {
    errorName: str(e.name) ?? "Error",
    originalStatusCode: num(e.OriginalStatusCode),
    upstreamHttpStatus: num(metadata.httpStatusCode),
    sdkAttempts: num(metadata.attempts),
    sdkTotalRetryDelayMs: num(metadata.totalRetryDelay),
    sagemakerRequestId: str(metadata.requestId),
    invokedVariant:
      typeof headers === "object" ? str(headers["x-amzn-invoked-production-variant"]) : undefined,
    upstreamMessage: str(e.Message ?? e.message),
    originalMessage: str(e.OriginalMessage),
    logStreamArn: str(e.LogStreamArn),
  };
}

/**
 * Maps an invocation failure. `deadlineExceeded` is whether the function's own deadline fired; an abort is
 * never retried by the SDK, so it always ends the call.
 */
export function mapInvokeError(err: unknown, deadlineExceeded: boolean): InvokeFailure {
  const detail = upstreamDetail(err);
  const name = detail.errorName;

  // Only our own deadline counts: the SDK also names a dropped connection ("socket hang up") TimeoutError.
  if (deadlineExceeded || name === "AbortError") {
    return {
      status: 504,
      error: "Timeout",
      message: "the model did not answer within the function's deadline",
      metric: "Timeout",
      detail,
    };
  }
  if (name === "ModelError") {
    const original = detail.originalStatusCode;
    if (original !== undefined && original >= 400 && original < 500) {
      return {
        status: 422,
        error: "ImageNotProcessable",
        message: `the model could not fetch or decode the image (model status ${original})`,
        metric: "ModelError",
        detail,
      };
    }
    return {
      status: 502,
      error: "ModelError",
      message: "the model failed while processing the image",
      metric: "ModelError",
      detail,
    };
  }
  if (name === "ModelNotReadyException") {
    return {
      status: 503,
      error: "ServiceUnavailable",
      message: "the model is not ready yet; retry later",
      retryAfterSeconds: RETRY_AFTER_MODEL_NOT_READY_S,
      metric: "Throttled",
      detail,
    };
  }
  if (name === "ServiceUnavailable" || THROTTLING_NAMES.has(name) || detail.upstreamHttpStatus === 429) {
    return {
      status: 503,
      error: "ServiceUnavailable",
      message: "the model endpoint is busy or unavailable; retry later",
      retryAfterSeconds: RETRY_AFTER_THROTTLED_S,
      metric: "Throttled",
      detail,
    };
  }
  const status = detail.upstreamHttpStatus;
  if (MISCONFIGURATION_NAMES.has(name) || (status !== undefined && status >= 400 && status < 500)) {
    return {
      status: 500,
      error: "InternalError",
      // Only names from our own list are echoed; anything else is summarised by its HTTP status.
      message: `the function could not invoke its model endpoint (${
        MISCONFIGURATION_NAMES.has(name) ? name : `HTTP ${status}`
      }); this is a deployment problem, see the function's logs`,
      metric: "Misconfigured",
      detail,
    };
  }
  // InternalFailure and InternalDependencyException (after the SDK's retries), other 5xx, network failures.
  return {
    status: 502,
    error: "UpstreamError",
    message: "the model endpoint failed; retry later",
    metric: "UpstreamError",
    detail,
  };
}
