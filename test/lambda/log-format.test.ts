// lambda/log-format.ts must print exactly what Powertools' default formatter prints (same keys, same order, same
// omissions), only faster: compared here line for line through two real Powertools Loggers.
import assert from "node:assert/strict";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { FlatLogFormatter } from "@ml-platform/inference-function/log-format";
import { captureOutput } from "./support/sagemaker-function";

/** Runs `fn` with stdout and stderr captured; returns the JSON lines written. */
function capture(fn: () => void): Record<string, unknown>[] {
  const stopCapture = captureOutput();
  let lines: string[];
  try {
    fn();
  } finally {
    lines = stopCapture();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Logs the same call through the default formatter and FlatLogFormatter; returns both records. */
function both(
  log: (logger: Logger) => void,
  setup: (logger: Logger) => void = () => {},
): [Record<string, unknown>, Record<string, unknown>] {
  const reference = new Logger({ serviceName: "image-classifier" });
  const flat = new Logger({ serviceName: "image-classifier", logFormatter: new FlatLogFormatter() });
  setup(reference);
  setup(flat);
  const [expected] = capture(() => log(reference));
  const [actual] = capture(() => log(flat));
  assert.ok(expected !== undefined && actual !== undefined, "both loggers wrote a line");
  // The two calls run a moment apart.
  assert.match(String(actual.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  actual.timestamp = expected.timestamp;
  return [expected, actual];
}

function assertSameRecord([expected, actual]: [Record<string, unknown>, Record<string, unknown>]): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected), "same keys in the same order");
  assert.deepEqual(actual, expected);
}

describe("lambda/log-format (FlatLogFormatter)", () => {
  it("prints the function's success line exactly as the default formatter does", () => {
    const line = {
      requestId: "req-1",
      coldStart: false,
      status: 200,
      latencyMs: 0.734,
      eventShape: "http-v2",
      urlHost: "images.example.com",
      sdkAttempts: 1,
      sdkTotalRetryDelayMs: 0,
      sagemakerRequestId: "sm-1",
      invokedVariant: "AllTraffic",
    };
    const records = both((logger) => logger.info("invocation", line));
    assertSameRecord(records);
    assert.equal(records[1].level, "INFO");
    assert.equal(records[1].sdkTotalRetryDelayMs, 0);
    assert.equal(records[1].coldStart, false);
  });

  it("leaves out the same empty values (undefined, empty string, null) and keeps 0 and false", () => {
    const records = both((logger) =>
      logger.error("invocation", {
        status: 502,
        errorName: "",
        originalStatusCode: undefined,
        upstreamMessage: null,
        sdkAttempts: 0,
        coldStart: false,
        nested: { a: 1, b: [1, 2] },
      }),
    );
    assertSameRecord(records);
    assert.equal("errorName" in records[1], false);
    assert.equal("upstreamMessage" in records[1], false);
    assert.deepEqual(records[1].nested, { a: 1, b: [1, 2] });
  });

  it("prints the Lambda context, X-Ray trace id and persistent keys in the default order", () => {
    const previous = process.env._X_AMZN_TRACE_ID;
    process.env._X_AMZN_TRACE_ID =
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    try {
      const context = {
        functionName: "image-classifier",
        memoryLimitInMB: "512",
        functionVersion: "$LATEST",
        invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:image-classifier",
        awsRequestId: "req-2",
      } as unknown as Context;
      const records = both(
        (logger) => logger.warn("invocation", { status: 503 }),
        (logger) => {
          logger.addContext(context);
          logger.appendPersistentKeys({ stage: "dev" });
        },
      );
      assertSameRecord(records);
      assert.equal(records[1].function_request_id, "req-2");
      assert.equal(records[1].xray_trace_id, "1-5759e988-bd862e3fe1be46a994272793");
      assert.equal(records[1].stage, "dev");
    } finally {
      if (previous === undefined) delete process.env._X_AMZN_TRACE_ID;
      else process.env._X_AMZN_TRACE_ID = previous;
    }
  });

  it("formats errors passed to the logger as the default does", () => {
    const error = new TypeError("boom");
    const records = both((logger) => logger.error("failed", error));
    assertSameRecord(records);
    assert.equal((records[1].error as { name: string }).name, "TypeError");
  });
});
