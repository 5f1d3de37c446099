// Unit tests of the function's pure modules, from the TypeScript source.
import assert from "node:assert/strict";
import {
  parseAllowedHosts,
  parseConfig,
  parseHostRule,
  type HostRule,
} from "@ml-platform/inference-function/config";
import { mapInvokeError, upstreamDetail } from "@ml-platform/inference-function/errors";
import { MAX_BODY_BYTES, parseEvent } from "@ml-platform/inference-function/events";
import { errorResponse, successResponse } from "@ml-platform/inference-function/response";
import { checkImageUrl, hostAllowed } from "@ml-platform/inference-function/url";

const rules = (raw: string): HostRule[] => {
  const parsed = parseAllowedHosts(raw);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.rules;
};

describe("lambda/config", () => {
  const base = { ENDPOINT_NAME: "dog-breeds", ALLOWED_IMAGE_HOSTS: "images.example.com" };

  it("parses a valid environment with the default timeout", () => {
    assert.deepEqual(parseConfig(base), {
      ok: true,
      config: {
        endpointName: "dog-breeds",
        allowedHosts: [{ kind: "exact", host: "images.example.com" }],
        invokeTimeoutMs: 10_000,
      },
    });
  });

  it("applies SageMaker's endpoint-name rule", () => {
    for (const good of ["a", "A1", "dog--breeds", "x".repeat(63)]) {
      assert.ok(parseConfig({ ...base, ENDPOINT_NAME: good }).ok, good);
    }
    for (const bad of [
      "",
      "-a",
      "a-",
      "a_b",
      "a.b",
      "x".repeat(64),
      "arn:aws:sagemaker:us-east-1:1:endpoint/x",
    ]) {
      const result = parseConfig({ ...base, ENDPOINT_NAME: bad });
      assert.ok(!result.ok && /ENDPOINT_NAME/.test(result.message), bad);
    }
  });

  it("parses INVOKE_TIMEOUT_MS as whole milliseconds from 1 to 60000", () => {
    const timeout = (value: string) => {
      const result = parseConfig({ ...base, INVOKE_TIMEOUT_MS: value });
      return result.ok ? result.config.invokeTimeoutMs : result.message;
    };
    assert.equal(timeout(""), 10_000);
    assert.equal(timeout(" 2500 "), 2500);
    assert.equal(timeout("60000"), 60_000);
    for (const bad of ["0", "60001", "1.5", "-1", "1e3", "ten"])
      assert.match(String(timeout(bad)), /INVOKE_TIMEOUT_MS/);
  });

  it("parses allowlist entries: exact hosts, .suffix entries, IDNs in punycode, case-folded", () => {
    assert.deepEqual(rules(" Images.Example.com , .cdn.example.org,bücher.example"), [
      { kind: "exact", host: "images.example.com" },
      { kind: "suffix", host: ".cdn.example.org" },
      { kind: "exact", host: "xn--bcher-kva.example" },
    ]);
    assert.deepEqual(rules(""), []);
    assert.deepEqual(rules("   "), []);
  });

  it("rejects allowlist entries that would open the gate or are not hostnames, naming the entry", () => {
    for (const [entry, reason] of [
      ["10.0.0.1", /IP address/],
      ["0x7f.0.0.1", /IP address/],
      [".0x7f.1", /IP address/],
      ["images.example.0x1F", /not a valid hostname/],
      ["images.example.123", /not a valid hostname/],
      ["[::1]", /bare hostname/],
      [".com", /two labels/],
      ["localhost", /two labels/],
      ["", /empty/],
      [".", /empty/],
      ["*.example.com", /not a valid hostname/],
      ["a_b.example.com", /not a valid hostname/],
      ["https://images.example.com", /bare hostname/],
      ["images.example.com:443", /bare hostname/],
      ["-a.example.com", /not a valid hostname/],
    ] as const) {
      const parsed = parseHostRule(entry);
      assert.ok(!parsed.ok && reason.test(parsed.reason), `${entry}: ${JSON.stringify(parsed)}`);
    }
    const list = parseAllowedHosts("images.example.com,,cdn.example.org");
    assert.ok(!list.ok && /entry 2/.test(list.message), JSON.stringify(list));
  });

  it("requires ALLOWED_IMAGE_HOSTS to be set, even if empty", () => {
    const result = parseConfig({ ENDPOINT_NAME: "x" });
    assert.ok(!result.ok && /ALLOWED_IMAGE_HOSTS is not set/.test(result.message));
    assert.ok(parseConfig({ ENDPOINT_NAME: "x", ALLOWED_IMAGE_HOSTS: "" }).ok);
  });
});

describe("lambda/url", () => {
  const allow = rules("images.example.com,.cdn.example.org");

  it("matches exact hosts and strict subdomains of suffix entries", () => {
    assert.ok(hostAllowed("images.example.com", allow));
    assert.ok(hostAllowed("a.b.cdn.example.org", allow));
    assert.ok(!hostAllowed("cdn.example.org", allow));
    assert.ok(!hostAllowed("xcdn.example.org", allow));
    assert.ok(!hostAllowed("sub.images.example.com", allow));
    assert.ok(!hostAllowed("images.example.com", []));
  });

  it("returns the canonical href, with a trailing dot removed from the host", () => {
    assert.deepEqual(checkImageUrl("https://Images.Example.com.:443/a/./b.jpg", allow), {
      ok: true,
      href: "https://images.example.com/a/b.jpg",
      host: "images.example.com",
    });
  });

  it("names the rule each bad URL breaks", () => {
    const cases: [unknown, string][] = [
      [undefined, "type"],
      [7, "type"],
      ["", "syntax"],
      ["not a url", "characters"],
      ["images.example.com/x", "syntax"],
      ["https://", "syntax"],
      ["http://images.example.com/", "scheme"],
      ["https://a:b@images.example.com/", "userinfo"],
      ["https://images.example.com:444/", "port"],
      ["https://0x7f000001/", "ip-literal"],
      ["https://[::]/", "ip-literal"],
      ["https://images..example.com/", "hostname"],
      ["https://other.example.com/", "allowlist"],
      [`https://images.example.com/${"a".repeat(2030)}`, "length"],
      ["https://images.example.com/\u2028", "characters"],
    ];
    for (const [raw, rule] of cases) {
      const result = checkImageUrl(raw, allow);
      assert.ok(!result.ok, String(raw));
      assert.equal(result.rule, rule, String(raw));
      assert.ok(result.message.startsWith("url "), result.message);
    }
  });

  it("accepts a URL of exactly 2048 characters", () => {
    const raw = `https://images.example.com/${"a".repeat(2048 - 27)}`;
    assert.equal(raw.length, 2048);
    assert.ok(checkImageUrl(raw, allow).ok);
    assert.ok(!checkImageUrl(`${raw}a`, allow).ok);
  });
});

describe("lambda/events", () => {
  const doc = { url: "https://images.example.com/x.jpg" };

  it("recognises the three shapes", () => {
    assert.deepEqual(parseEvent(doc), { ok: true, shape: "direct", url: doc.url });
    assert.deepEqual(parseEvent({ httpMethod: "POST", body: JSON.stringify(doc) }), {
      ok: true,
      shape: "apigw-v1",
      url: doc.url,
    });
    assert.deepEqual(
      parseEvent({
        version: "2.0",
        requestContext: { http: { method: "POST" } },
        body: Buffer.from(JSON.stringify(doc)).toString("base64"),
        isBase64Encoded: true,
      }),
      { ok: true, shape: "http-v2", url: doc.url },
    );
  });

  it("caps the body at MAX_BODY_BYTES after decoding, counting UTF-8 bytes", () => {
    const sized = (bytes: number) => JSON.stringify({ url: "x".repeat(bytes - 10) });
    assert.equal(Buffer.byteLength(sized(MAX_BODY_BYTES)), MAX_BODY_BYTES);
    const at = parseEvent({ httpMethod: "POST", body: sized(MAX_BODY_BYTES) });
    assert.ok(at.ok);
    const over = parseEvent({ httpMethod: "POST", body: sized(MAX_BODY_BYTES + 1) });
    assert.ok(!over.ok && over.status === 413);
    const b64 = parseEvent({
      httpMethod: "POST",
      body: Buffer.from(sized(MAX_BODY_BYTES)).toString("base64"),
      isBase64Encoded: true,
    });
    assert.ok(b64.ok);
    // Base64 of 4,097 bytes is no longer than base64 of 4,096 (both 5,464 characters): only the decoded size
    // tells them apart.
    const b64Over = parseEvent({
      httpMethod: "POST",
      body: Buffer.from(sized(MAX_BODY_BYTES + 1)).toString("base64"),
      isBase64Encoded: true,
    });
    assert.ok(!b64Over.ok && b64Over.status === 413, JSON.stringify(b64Over));
  });

  it("answers 405 for other methods and 400 for anything malformed", () => {
    const get = parseEvent({ httpMethod: "GET", body: null });
    assert.ok(!get.ok && get.status === 405 && /GET/.test(get.message));
    for (const event of [null, [], "x", 1, { url: 1, other: 2 }, { httpMethod: "POST", body: "{" }, {}]) {
      const result = parseEvent(event);
      assert.ok(!result.ok && result.status === 400, JSON.stringify(event));
    }
  });
});

describe("lambda/errors and lambda/response", () => {
  const sdkError = (name: string, extra: Record<string, unknown> = {}, status?: number) =>
    Object.assign(new Error("raw message for account 123456789012"), {
      name,
      $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0, requestId: "rid" },
      ...extra,
    });

  it("maps each SageMaker error class to its status", () => {
    const cases: [unknown, boolean, number, string][] = [
      [sdkError("ModelError", { OriginalStatusCode: 404 }, 424), false, 422, "ImageNotProcessable"],
      [sdkError("ModelError", { OriginalStatusCode: "499" }, 424), false, 422, "ImageNotProcessable"],
      [sdkError("ModelError", { OriginalStatusCode: 503 }, 424), false, 502, "ModelError"],
      [sdkError("ModelError", {}, 424), false, 502, "ModelError"],
      [sdkError("InternalFailure", {}, 500), false, 502, "UpstreamError"],
      [sdkError("InternalDependencyException", {}, 530), false, 502, "UpstreamError"],
      [sdkError("ModelNotReadyException", {}, 429), false, 503, "ServiceUnavailable"],
      [sdkError("ServiceUnavailable", {}, 503), false, 503, "ServiceUnavailable"],
      [sdkError("ThrottlingException", {}, 400), false, 503, "ServiceUnavailable"],
      [sdkError("SomethingNew", {}, 429), false, 503, "ServiceUnavailable"],
      [sdkError("ValidationError", {}, 400), false, 500, "InternalError"],
      [sdkError("AccessDeniedException", {}, 403), false, 500, "InternalError"],
      [sdkError("SomethingNew", {}, 404), false, 500, "InternalError"],
      [sdkError("AbortError"), false, 504, "Timeout"],
      [sdkError("InternalFailure", {}, 500), true, 504, "Timeout"],
      [
        Object.assign(new Error("socket hang up"), { name: "TimeoutError", code: "ECONNRESET" }),
        false,
        502,
        "UpstreamError",
      ],
      ["a string", false, 502, "UpstreamError"],
      [undefined, false, 502, "UpstreamError"],
    ];
    for (const [err, deadline, status, code] of cases) {
      const failure = mapInvokeError(err, deadline);
      assert.equal(failure.status, status, JSON.stringify(err));
      assert.equal(failure.error, code);
      assert.ok(!failure.message.includes("123456789012"));
      assert.equal(failure.retryAfterSeconds !== undefined, status === 503);
    }
  });

  it("echoes only known error names in a 500 message", () => {
    const injected = mapInvokeError(sdkError("Evil<script>123456789012", {}, 400), false);
    assert.equal(injected.status, 500);
    assert.ok(!injected.message.includes("Evil") && injected.message.includes("HTTP 400"));
  });

  it("collects the loggable details, including what callers never see", () => {
    const detail = upstreamDetail(
      sdkError(
        "ModelError",
        { OriginalStatusCode: 404, OriginalMessage: "nope", LogStreamArn: "arn:x" },
        424,
      ),
    );
    assert.deepEqual(detail, {
      errorName: "ModelError",
      originalStatusCode: 404,
      upstreamHttpStatus: 424,
      sdkAttempts: 1,
      sdkTotalRetryDelayMs: 0,
      sagemakerRequestId: "rid",
      invokedVariant: undefined,
      upstreamMessage: "raw message for account 123456789012",
      originalMessage: "nope",
      logStreamArn: "arn:x",
    });
  });

  it("builds responses", () => {
    assert.deepEqual(successResponse("[[1]]"), {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      body: "[[1]]",
    });
    assert.deepEqual(errorResponse(503, "ServiceUnavailable", "later", "r1", { retryAfterSeconds: 10 }), {
      statusCode: 503,
      headers: { "content-type": "application/json", "retry-after": "10" },
      body: '{"error":"ServiceUnavailable","message":"later","requestId":"r1"}',
    });
  });
});
