// The bundled function (dist/lambda/index.mjs) against the SageMaker runtime emulator: the success path through
// every event shape, what goes over the wire, observability and connection reuse.
import assert from "node:assert/strict";
import { MODEL_SCORES } from "./support/sagemaker-emulator";
import {
  functionUrlEvent,
  lambdaContext,
  startFunctionUnderTest,
  TEST_ENDPOINT,
  useFunctionUnderTest,
} from "./support/sagemaker-function";

const IMAGE = "https://images.example.com/dogs/beagle.jpg";
const body = JSON.stringify({ url: IMAGE });
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

function restV1(overrides: Record<string, unknown> = {}) {
  return {
    resource: "/classify",
    path: "/classify",
    httpMethod: "POST",
    headers: { "content-type": "application/json" },
    multiValueHeaders: {},
    queryStringParameters: null,
    pathParameters: null,
    requestContext: { requestId: "gw-1", stage: "prod", httpMethod: "POST" },
    body,
    isBase64Encoded: false,
    ...overrides,
  };
}

const httpV2 = (overrides: Record<string, unknown> = {}) => functionUrlEvent(body, overrides);

describe("lambda bundle: success path", function () {
  const fn = useFunctionUnderTest();

  const shapes: [string, unknown][] = [
    ["direct invoke", { url: IMAGE }],
    ["API Gateway REST v1", restV1()],
    ["API Gateway REST v1, base64 body", restV1({ body: b64(body), isBase64Encoded: true })],
    ["HTTP API v2", httpV2()],
    ["Function URL (payload 2.0), base64 body", httpV2({ body: b64(body), isBase64Encoded: true })],
  ];
  for (const [name, event] of shapes) {
    it(`answers 200 with the model's bytes unchanged for a ${name} event`, async () => {
      const { response } = await fn.invoke(event);
      assert.deepEqual(response, {
        statusCode: 200,
        headers: { "content-type": "application/json" },
        body: MODEL_SCORES,
      });
      assert.equal(fn.emulator.requests.length, 1);
      const seen = fn.emulator.requests[0];
      assert.equal(seen.method, "POST");
      assert.equal(seen.path, `/endpoints/${TEST_ENDPOINT}/invocations`);
      assert.equal(seen.headers["content-type"], "application/json");
      assert.equal(seen.headers["accept"], "application/json");
      assert.equal(seen.body, '{"url":"https://images.example.com/dogs/beagle.jpg"}');
      assert.equal(seen.attempt, 1);
      assert.equal(seen.maxAttempts, 3);
      assert.match(
        String(seen.headers.authorization),
        /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/sagemaker\/aws4_request,/,
      );
    });
  }

  it("passes the endpoint's body through byte for byte, whatever its spelling and content type", async () => {
    // Python's json.dumps spellings (-0.0, 1e-05, NaN) and odd spacing would all change if re-serialised.
    const text = '[[-0.0, 1e-05, NaN, -Infinity,   3.14159265358979311599796346854, "é"]]\n';
    fn.emulator.respond({ kind: "success", body: text, contentType: "application/json; charset=utf-8" });
    const { response } = await fn.invoke({ url: IMAGE });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, text);
    assert.equal(response.headers["content-type"], "application/json");
    assert.ok(MODEL_SCORES.includes("-0.0") && MODEL_SCORES.split(",").length === 133);
  });

  it("forwards the parser's re-serialised href, not the raw string", async () => {
    const cases: [string, string][] = [
      [
        "HTTPS://IMAGES.Example.COM:443/a/../dogs/h\u00fcnd{1}%41.jpg?size=1&q=\u00e9#frag",
        "https://images.example.com/dogs/h%C3%BCnd%7B1%7D%41.jpg?size=1&q=%C3%A9#frag",
      ],
      ["https://images.example.com./dog.jpg", "https://images.example.com/dog.jpg"],
      ["https://eu.cdn.example.org/dog.jpg", "https://eu.cdn.example.org/dog.jpg"],
      ["https://bücher.example/hund.jpg", "https://xn--bcher-kva.example/hund.jpg"],
    ];
    for (const [raw, forwarded] of cases) {
      fn.emulator.reset();
      const { response } = await fn.invoke({ url: raw });
      assert.equal(response.statusCode, 200, raw);
      assert.deepEqual(JSON.parse(fn.emulator.requests[0].body), { url: forwarded }, raw);
    }
  });

  it("writes one structured log line and one EMF document per invocation, with the URL host only", async () => {
    const context = lambdaContext();
    const { logs, emf, stdout } = await fn.invoke(
      { url: "https://images.example.com/private/path/secret-token.jpg?sig=abc" },
      context,
    );
    assert.equal(stdout.length, 2, stdout.join("\n"));
    assert.equal(logs.length, 1);
    const line = logs[0];
    assert.equal(line.level, "INFO");
    assert.equal(line.requestId, context.awsRequestId);
    assert.equal(line.urlHost, "images.example.com");
    assert.equal(line.status, 200);
    assert.equal(line.sdkAttempts, 1);
    assert.equal(line.sdkTotalRetryDelayMs, 0);
    assert.equal(line.sagemakerRequestId, fn.emulator.requests[0].requestId);
    assert.equal(line.invokedVariant, "AllTraffic");
    assert.equal(typeof line.latencyMs, "number");
    assert.equal(typeof line.coldStart, "boolean");
    assert.equal(line.service, "image-classifier");
    assert.ok(
      !stdout.join("").includes("secret-token") && !stdout.join("").includes("sig=abc"),
      "path logged",
    );

    assert.equal(emf.length, 1);
    const doc = emf[0];
    const definition = doc._aws.CloudWatchMetrics[0];
    assert.equal(definition.Namespace, "MlPlatform/ImageClassifier");
    assert.deepEqual(definition.Dimensions, [["service"]]);
    // A success carries Latency only; outcome counters appear when they apply (see the other cases).
    assert.deepEqual(definition.Metrics, [{ Name: "Latency", Unit: "Milliseconds" }]);
    assert.equal(typeof doc.Latency, "number");
    assert.equal(doc.service, "image-classifier");
  });

  it("counts each kind of outcome in its EMF document", async () => {
    const counters = async (event: unknown) => {
      const { emf } = await fn.invoke(event);
      assert.equal(emf.length, 1);
      return emf[0]._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name).slice(1);
    };
    assert.deepEqual(await counters({ url: "https://10.0.0.1/x.jpg" }), ["Rejected"]);
    assert.deepEqual(await counters({ httpMethod: "GET" }), ["Rejected"]);
    fn.emulator.respond({
      kind: "error",
      status: 424,
      errorType: "ModelError",
      body: { OriginalStatusCode: 404 },
    });
    assert.deepEqual(await counters({ url: IMAGE }), ["ModelError"]);
    fn.emulator.respond(
      { kind: "error", status: 400, errorType: "ThrottlingException", body: {} },
      {
        kind: "success",
      },
    );
    // Throttling is retried by the SDK and then succeeds: no counter.
    assert.deepEqual(await counters({ url: IMAGE }), []);
  });

  it("reports a cold start on the first invocation of an instance only", async () => {
    const fresh = await startFunctionUnderTest();
    try {
      const first = await fresh.invoke({ url: IMAGE });
      const second = await fresh.invoke({ url: IMAGE });
      assert.equal(first.logs[0].coldStart, true);
      assert.equal(second.logs[0].coldStart, false);
    } finally {
      await fresh.stop();
    }
  });

  it("reuses one keep-alive connection across sequential invocations", async () => {
    await fn.invoke({ url: IMAGE });
    const connectionsBefore = fn.emulator.connections;
    fn.emulator.reset();
    for (let i = 0; i < 25; i++) {
      const { response } = await fn.invoke({ url: IMAGE });
      assert.equal(response.statusCode, 200);
    }
    assert.equal(fn.emulator.requests.length, 25);
    assert.equal(new Set(fn.emulator.requests.map((r) => r.connectionId)).size, 1);
    assert.equal(fn.emulator.connections, connectionsBefore, "a new TCP connection was opened");
  });

  it("uses a request id even without a Lambda context", async () => {
    const { response } = await fn.invoke({ url: "https://127.0.0.1/x.jpg" }, null as never);
    assert.equal(response.statusCode, 400);
    assert.match(JSON.parse(response.body).requestId, /^[0-9a-f-]{36}$/);
  });
});
