// The bundled function's error mapping, against SageMaker errors as they arrive on the wire: status codes,
// which errors the SDK retries (counted at the emulator), the deadline, misconfiguration, and no leaks.
import assert from "node:assert/strict";
import { ACCOUNT_ID, LOG_STREAM_ARN, sagemakerErrors, type Behaviour } from "./support/sagemaker-emulator";
import {
  lambdaContext,
  setEnv,
  useFunctionUnderTest,
  type Invocation,
  type LambdaContextLike,
} from "./support/sagemaker-function";

const EVENT = { url: "https://images.example.com/dogs/beagle.jpg" };

/** An error response is well formed and carries nothing from SageMaker's own error. */
function assertCleanError(invocation: Invocation, status: number, error: string, requestId?: string): void {
  const { response } = invocation;
  assert.equal(response.statusCode, status, response.body);
  assert.equal(response.headers["content-type"], "application/json");
  const body = JSON.parse(response.body);
  assert.deepEqual(Object.keys(body).sort(), ["error", "message", "requestId"]);
  assert.equal(body.error, error);
  assert.equal(typeof body.message, "string");
  if (requestId !== undefined) assert.equal(body.requestId, requestId);
  const everything = JSON.stringify(response);
  for (const secret of [
    ACCOUNT_ID,
    LOG_STREAM_ARN,
    "arn:aws",
    "log-group",
    "Received client error",
    "Could not fetch",
  ]) {
    assert.ok(!everything.includes(secret), `response leaks ${secret}: ${everything}`);
  }
}

/** The level of the invocation's log line, as lambda/README.md states it: ERROR for 500/502, WARN for 422/503/504. */
function expectedLevel(status: number): string {
  if (status === 500 || status === 502) return "ERROR";
  if (status === 422 || status === 503 || status === 504) return "WARN";
  return "INFO";
}

describe("lambda bundle: error mapping", function () {
  const fn = useFunctionUnderTest();

  interface Case {
    name: string;
    script: Behaviour[];
    status: number;
    error: string;
    attempts: number;
    retryAfter?: string;
    errorName?: string;
    metric: string;
  }
  const thrice = (b: Behaviour) => [b, b, b];
  const cases: Case[] = [
    {
      name: "ModelError with original status 404 (image not fetchable)",
      script: [sagemakerErrors.modelError(404)],
      status: 422,
      error: "ImageNotProcessable",
      metric: "ModelError",
      attempts: 1,
      errorName: "ModelError",
    },
    {
      name: "ModelError with original status 400 (image not decodable)",
      script: [sagemakerErrors.modelError(400, "cannot identify image file")],
      status: 422,
      error: "ImageNotProcessable",
      metric: "ModelError",
      attempts: 1,
    },
    {
      name: "ModelError with original status 500",
      script: [sagemakerErrors.modelError(500, "CUDA out of memory")],
      status: 502,
      error: "ModelError",
      metric: "ModelError",
      attempts: 1,
    },
    {
      name: "ValidationError (endpoint not found)",
      script: [sagemakerErrors.validationError()],
      status: 500,
      error: "InternalError",
      metric: "Misconfigured",
      attempts: 1,
      errorName: "ValidationError",
    },
    {
      name: "AccessDeniedException",
      script: [sagemakerErrors.accessDenied()],
      status: 500,
      error: "InternalError",
      metric: "Misconfigured",
      attempts: 1,
    },
    {
      name: "InternalDependencyException (not retried)",
      script: [sagemakerErrors.internalDependency()],
      status: 502,
      error: "UpstreamError",
      metric: "UpstreamError",
      attempts: 1,
    },
    {
      name: "InternalFailure on every attempt (retried)",
      script: thrice(sagemakerErrors.internalFailure()),
      status: 502,
      error: "UpstreamError",
      metric: "UpstreamError",
      attempts: 3,
      errorName: "InternalFailure",
    },
    {
      name: "ServiceUnavailable on every attempt (retried)",
      script: thrice(sagemakerErrors.serviceUnavailable()),
      status: 503,
      error: "ServiceUnavailable",
      metric: "Throttled",
      attempts: 3,
      retryAfter: "1",
    },
    {
      name: "ModelNotReadyException on every attempt (retried, ~2 s of SDK backoff)",
      script: thrice(sagemakerErrors.modelNotReady()),
      status: 503,
      error: "ServiceUnavailable",
      metric: "Throttled",
      attempts: 3,
      retryAfter: "10",
      errorName: "ModelNotReadyException",
    },
    {
      name: "ThrottlingException on every attempt (retried)",
      script: thrice(sagemakerErrors.throttling()),
      status: 503,
      error: "ServiceUnavailable",
      metric: "Throttled",
      attempts: 3,
      retryAfter: "1",
    },
    {
      name: "connection reset on every attempt (retried)",
      script: thrice({ kind: "reset" }),
      status: 502,
      error: "UpstreamError",
      metric: "UpstreamError",
      attempts: 3,
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status}, ${c.attempts} attempt(s) at the emulator`, async function () {
      this.timeout(20_000);
      fn.emulator.respond(c.script, { kind: "error", status: 500, errorType: "UnexpectedExtraAttempt" });
      const context = lambdaContext();
      const result = await fn.invoke(EVENT, context);
      assertCleanError(result, c.status, c.error, context.awsRequestId);
      assert.equal(result.response.headers["retry-after"], c.retryAfter);

      const seen = fn.emulator.requests;
      assert.equal(seen.length, c.attempts);
      assert.deepEqual(
        seen.map((r) => r.attempt),
        Array.from({ length: c.attempts }, (_, i) => i + 1),
      );
      // Retries are one invocation: the SDK keeps its invocation id across attempts.
      assert.equal(new Set(seen.map((r) => r.invocationId)).size, 1);

      assert.equal(result.logs.length, 1);
      const [line] = result.logs;
      assert.equal(line.status, c.status);
      assert.equal(line.level, expectedLevel(c.status));
      if (c.errorName !== undefined) assert.equal(line.errorName, c.errorName);
      if (c.script[0].kind !== "reset") assert.equal(line.sdkAttempts, c.attempts);
      assert.deepEqual(
        result.emf[0]._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name),
        ["Latency", c.metric],
      );
      assert.equal(result.emf[0][c.metric], 1);
    });
  }

  it("logs what it withholds: SageMaker's message, OriginalStatusCode and the log stream ARN", async () => {
    fn.emulator.respond(sagemakerErrors.modelError(404));
    const result = await fn.invoke(EVENT);
    assertCleanError(result, 422, "ImageNotProcessable");
    const [line] = result.logs;
    assert.equal(line.level, "WARN");
    assert.equal(line.errorName, "ModelError");
    assert.equal(line.originalStatusCode, 404);
    assert.equal(line.logStreamArn, LOG_STREAM_ARN);
    assert.match(line.upstreamMessage, new RegExp(ACCOUNT_ID));
    assert.equal(line.sagemakerRequestId, fn.emulator.requests[0].requestId);
    assert.equal(result.emf[0].ModelError, 1);
  });

  it("recognises an error type sent in the body (__type) when the header is missing", async () => {
    fn.emulator.respond({ ...sagemakerErrors.modelError(415), typeInBody: true });
    assertCleanError(await fn.invoke(EVENT), 422, "ImageNotProcessable");
  });

  it("succeeds when a retried error clears up, and logs the attempts and retry delay", async () => {
    fn.emulator.respond([sagemakerErrors.internalFailure(), { kind: "reset" }]);
    const result = await fn.invoke(EVENT);
    assert.equal(result.response.statusCode, 200);
    assert.equal(fn.emulator.requests.length, 3);
    assert.equal(result.logs[0].sdkAttempts, 3);
    assert.ok(result.logs[0].sdkTotalRetryDelayMs > 0);
  });

  it("answers a well-formed 500 when the function itself fails, and never rejects", async () => {
    // Lambda's events are parsed JSON and its context is well behaved, so neither can really throw; they stand
    // here for any unforeseen failure inside the function, which the handler's safety net must turn into an answer.
    const failures: [string, unknown, Partial<LambdaContextLike>][] = [
      [
        "an event whose url getter throws",
        {
          get url(): string {
            throw new Error(`boom for account ${ACCOUNT_ID}`);
          },
        },
        {},
      ],
      [
        "a context whose getRemainingTimeInMillis throws",
        EVENT,
        {
          getRemainingTimeInMillis: () => {
            throw new TypeError(`boom for account ${ACCOUNT_ID}`);
          },
        },
      ],
    ];
    for (const [name, event, overrides] of failures) {
      const context = lambdaContext(overrides);
      const result = await fn.invoke(event, context);
      assertCleanError(result, 500, "InternalError", context.awsRequestId);
      assert.equal(fn.emulator.requests.length, 0, name);
      assert.equal(result.logs.length, 1, name);
      assert.equal(result.logs[0].level, "ERROR", name);
      assert.match(result.logs[0].errorName, /^(Type)?Error$/, name);
    }
  });

  describe("deadline", () => {
    let restore: () => void;
    afterEach(() => restore?.());

    it("answers 504 at INVOKE_TIMEOUT_MS when the endpoint is slow, without retrying", async () => {
      restore = setEnv({ INVOKE_TIMEOUT_MS: "300" });
      fn.emulator.respond({ kind: "success", delayMs: 5_000 });
      const result = await fn.invoke(EVENT);
      assertCleanError(result, 504, "Timeout");
      assert.ok(result.elapsedMs >= 290 && result.elapsedMs < 1_000, `took ${result.elapsedMs} ms`);
      assert.equal(fn.emulator.requests.length, 1);
      assert.equal(result.emf[0].Timeout, 1);
      assert.equal(result.logs[0].level, expectedLevel(504));
    });

    it("bounds the deadline by Lambda's remaining time minus a margin", async () => {
      fn.emulator.respond({ kind: "hang" });
      const started = Date.now();
      const result = await fn.invoke(
        EVENT,
        lambdaContext({ getRemainingTimeInMillis: () => 650 - (Date.now() - started) }),
      );
      assertCleanError(result, 504, "Timeout");
      assert.ok(result.elapsedMs >= 350 && result.elapsedMs < 650, `took ${result.elapsedMs} ms`);
    });

    it("covers reading the body too: headers then a stalled body end in 504", async () => {
      restore = setEnv({ INVOKE_TIMEOUT_MS: "300" });
      fn.emulator.respond({ kind: "stall-body" });
      const result = await fn.invoke(EVENT);
      assertCleanError(result, 504, "Timeout");
      assert.ok(result.elapsedMs < 1_000, `took ${result.elapsedMs} ms`);
    });

    it("covers retries: the deadline cuts the SDK's backoff short", async () => {
      // The SDK's own backoff for a 429 is random (up to 1 s, then 2 s) and may fit inside a short deadline.
      // A Retry-After hint of 5 s, which the SDK takes as the least delay before its retry, makes the cut
      // certain: without the deadline the call would last over 10 s and reach the emulator 3 times.
      restore = setEnv({ INVOKE_TIMEOUT_MS: "400" });
      const notReady: Behaviour = { ...sagemakerErrors.modelNotReady(), headers: { "retry-after": "5" } };
      fn.emulator.respond([notReady, notReady, notReady]);
      const result = await fn.invoke(EVENT);
      assertCleanError(result, 504, "Timeout");
      assert.ok(result.elapsedMs >= 390 && result.elapsedMs < 1_000, `took ${result.elapsedMs} ms`);
      assert.equal(fn.emulator.requests.length, 1, "the SDK retried before the deadline");
      assert.equal(result.emf[0].Timeout, 1);
    });

    it("does not call the endpoint when no time is left", async () => {
      const result = await fn.invoke(EVENT, lambdaContext({ getRemainingTimeInMillis: () => 100 }));
      assertCleanError(result, 504, "Timeout");
      assert.equal(fn.emulator.requests.length, 0);
    });
  });

  describe("misconfiguration", () => {
    let restore: () => void;
    afterEach(() => restore?.());

    const configs: [string, Record<string, string | undefined>, RegExp][] = [
      ["ENDPOINT_NAME unset", { ENDPOINT_NAME: undefined }, /ENDPOINT_NAME is not set/],
      ["ENDPOINT_NAME invalid", { ENDPOINT_NAME: "dog_breeds" }, /ENDPOINT_NAME must be/],
      ["ENDPOINT_NAME too long", { ENDPOINT_NAME: "a".repeat(64) }, /ENDPOINT_NAME must be/],
      ["ALLOWED_IMAGE_HOSTS unset", { ALLOWED_IMAGE_HOSTS: undefined }, /ALLOWED_IMAGE_HOSTS is not set/],
      ["ALLOWED_IMAGE_HOSTS with an IP", { ALLOWED_IMAGE_HOSTS: "images.example.com,10.0.0.1" }, /entry 2/],
      ["ALLOWED_IMAGE_HOSTS with a TLD suffix", { ALLOWED_IMAGE_HOSTS: ".com" }, /at least two labels/],
      ["ALLOWED_IMAGE_HOSTS with a hex IP", { ALLOWED_IMAGE_HOSTS: "0x7f.1" }, /entry 1 .* IP address/],
      ["INVOKE_TIMEOUT_MS not a number", { INVOKE_TIMEOUT_MS: "10s" }, /INVOKE_TIMEOUT_MS must be/],
      ["INVOKE_TIMEOUT_MS above 60 s", { INVOKE_TIMEOUT_MS: "60001" }, /INVOKE_TIMEOUT_MS must be/],
    ];
    for (const [name, env, message] of configs) {
      it(`${name} → 500 ConfigurationError naming the variable, no endpoint call`, async () => {
        restore = setEnv(env);
        const result = await fn.invoke(EVENT);
        assertCleanError(result, 500, "ConfigurationError");
        assert.match(JSON.parse(result.response.body).message, message);
        assert.equal(fn.emulator.requests.length, 0);
        assert.equal(result.logs[0].level, "ERROR");
      });
    }

    it("an empty ALLOWED_IMAGE_HOSTS is valid and rejects every URL with 400", async () => {
      restore = setEnv({ ALLOWED_IMAGE_HOSTS: "" });
      const result = await fn.invoke(EVENT);
      assertCleanError(result, 400, "InvalidUrl");
      assert.match(JSON.parse(result.response.body).message, /allowlist is empty/);
      assert.equal(fn.emulator.requests.length, 0);
    });

    it("picks up a corrected environment on the next invocation", async () => {
      restore = setEnv({ ENDPOINT_NAME: "bad name" });
      assert.equal((await fn.invoke(EVENT)).response.statusCode, 500);
      restore();
      restore = setEnv({ ENDPOINT_NAME: "other-endpoint" });
      assert.equal((await fn.invoke(EVENT)).response.statusCode, 200);
      assert.equal(fn.emulator.requests[0].endpointName, "other-endpoint");
    });
  });
});
