// Event parsing: turns whichever event Lambda delivers into the raw `url` value, or a client error.
// Pure and total: every input, however malformed, yields a result and nothing throws.

/** Largest accepted HTTP body, after base64 decoding. `{"url": …}` with a 2048-character URL fits easily. */
export const MAX_BODY_BYTES = 4096;

export type EventShape = "direct" | "apigw-v1" | "http-v2";

export type ParsedEvent =
  | { ok: true; shape: EventShape; url: unknown }
  | {
      ok: false;
      shape: EventShape | "unknown";
      status: 400 | 405 | 413;
      error: ClientErrorCode;
      message: string;
    };

export type ClientErrorCode = "InvalidRequest" | "MethodNotAllowed" | "PayloadTooLarge";

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(shape: EventShape | "unknown", message: string): ParsedEvent {
  return { ok: false, shape, status: 400, error: "InvalidRequest", message };
}

/** The request document, `{"url": "https://…"}`, with no other members. */
function readRequestDocument(shape: EventShape, doc: unknown): ParsedEvent {
  if (!isRecord(doc)) return invalid(shape, 'request must be a JSON object {"url": "https://…"}');
  for (const key of Object.keys(doc)) {
    if (key !== "url")
      return invalid(shape, `request has an unknown member ${JSON.stringify(key.slice(0, 64))}`);
  }
  if (!("url" in doc)) return invalid(shape, "request is missing the url member");
  return { ok: true, shape, url: doc.url };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_BASE64_LENGTH = Math.ceil(MAX_BODY_BYTES / 3) * 4;
const utf8 = new TextDecoder("utf-8", { fatal: true });

function readHttpBody(shape: EventShape, body: unknown, isBase64Encoded: unknown): ParsedEvent {
  if (body === undefined || body === null || body === "") return invalid(shape, "request body is empty");
  if (typeof body !== "string") return invalid(shape, "request body must be a string");
  let text: string;
  if (isBase64Encoded === true) {
    if (body.length > MAX_BASE64_LENGTH) return tooLarge(shape);
    if (!BASE64.test(body)) return invalid(shape, "request body is marked base64 but is not valid base64");
    const bytes = Buffer.from(body, "base64");
    if (bytes.length > MAX_BODY_BYTES) return tooLarge(shape);
    try {
      text = utf8.decode(bytes);
    } catch {
      return invalid(shape, "request body is not valid UTF-8");
    }
  } else if (isBase64Encoded === undefined || isBase64Encoded === false || isBase64Encoded === null) {
    // Cheap bound first: a string of N UTF-16 units is at least N bytes.
    if (body.length > MAX_BODY_BYTES || Buffer.byteLength(body, "utf8") > MAX_BODY_BYTES)
      return tooLarge(shape);
    text = body;
  } else {
    return invalid(shape, "isBase64Encoded must be a boolean");
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return invalid(shape, "request body is not valid JSON");
  }
  return readRequestDocument(shape, doc);
}

function tooLarge(shape: EventShape): ParsedEvent {
  return {
    ok: false,
    shape,
    status: 413,
    error: "PayloadTooLarge",
    message: `request body must be at most ${MAX_BODY_BYTES} bytes`,
  };
}

function methodNotAllowed(shape: EventShape, method: unknown): ParsedEvent {
  const shown = typeof method === "string" ? method.slice(0, 16) : String(method);
  return {
    ok: false,
    shape,
    status: 405,
    error: "MethodNotAllowed",
    message: `method ${JSON.stringify(shown)} is not allowed; use POST`,
  };
}

/**
 * Recognises the three event shapes:
 * - API Gateway REST (payload 1.0): has `httpMethod`;
 * - HTTP API / Function URL (payload 2.0): `version: "2.0"` with `requestContext.http.method`;
 * - direct invocation: the request document itself, `{"url": "https://…"}`.
 */
export function parseEvent(event: unknown): ParsedEvent {
  if (!isRecord(event)) {
    return invalid(
      "unknown",
      'event must be a JSON object: {"url": "https://…"} or an API Gateway/Function URL event',
    );
  }
  if ("httpMethod" in event) {
    const method = event.httpMethod;
    if (method !== "POST") return methodNotAllowed("apigw-v1", method);
    return readHttpBody("apigw-v1", event.body, event.isBase64Encoded);
  }
  if (event.version === "2.0" || ("requestContext" in event && "rawPath" in event)) {
    const http = isRecord(event.requestContext) ? event.requestContext.http : undefined;
    if (!isRecord(http) || typeof http.method !== "string") {
      return invalid("http-v2", "payload 2.0 event has no requestContext.http.method");
    }
    if (http.method !== "POST") return methodNotAllowed("http-v2", http.method);
    return readHttpBody("http-v2", event.body, event.isBase64Encoded);
  }
  return readRequestDocument("direct", event);
}
