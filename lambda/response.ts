// Response building. `{statusCode, headers, body: string}` is what API Gateway REST (payload 1.0) requires and
// what HTTP API / Function URLs (payload 2.0) accept as is; direct invokers get the same object.

export interface FunctionResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The body of every error response. */
export interface ErrorBody {
  error: string;
  message: string;
  requestId: string;
}

/** Success: the endpoint's response text, unchanged, so the model's `[[133 floats]]` passes byte for byte. */
export function successResponse(modelBody: string): FunctionResponse {
  return { statusCode: 200, headers: { "content-type": "application/json" }, body: modelBody };
}

export interface ErrorOptions {
  retryAfterSeconds?: number;
  /** For 405: the methods that are allowed. */
  allow?: string;
}

export function errorResponse(
  statusCode: number,
  error: string,
  message: string,
  requestId: string,
  options: ErrorOptions = {},
): FunctionResponse {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.retryAfterSeconds !== undefined) headers["retry-after"] = String(options.retryAfterSeconds);
  if (options.allow !== undefined) headers.allow = options.allow;
  const body: ErrorBody = { error, message, requestId };
  return { statusCode, headers, body: JSON.stringify(body) };
}
