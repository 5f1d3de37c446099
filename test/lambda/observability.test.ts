// lambda/observability.ts: a success's log line and EMF document leave in one stdout write, and each is what
// Powertools itself would have printed; warnings and errors still take Powertools' own path (stderr + stdout).
import assert from "node:assert/strict";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { FlatLogFormatter } from "@ml-platform/inference-function/log-format";
import { InvocationLogger, InvocationMetrics } from "@ml-platform/inference-function/observability";
import { sagemakerErrors } from "./support/sagemaker-emulator";
import {
  captureOutput,
  importHandler,
  lambdaContext,
  setEnv,
  useFunctionUnderTest,
  type Handler,
} from "./support/sagemaker-function";

const IMAGE = "https://images.example.com/dogs/beagle.jpg";

/** Each write to stdout or stderr while `fn` runs, in order (nothing is echoed). */
async function writesDuring(fn: () => unknown): Promise<{ stream: "stdout" | "stderr"; text: string }[]> {
  const writes: { stream: "stdout" | "stderr"; text: string }[] = [];
  const streams = [
    ["stdout", process.stdout],
    ["stderr", process.stderr],
  ] as const;
  const originals = streams.map(([, stream]) => stream.write);
  for (const [name, stream] of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      writes.push({ stream: name, text: typeof chunk === "string" ? chunk : Buffer.from(chunk).toString() });
      (rest.find((arg) => typeof arg === "function") as (() => void) | undefined)?.();
      return true;
    }) as typeof stream.write;
  }
  try {
    await fn();
  } finally {
    streams.forEach(([, stream], i) => (stream.write = originals[i]));
  }
  return writes;
}

/** Lines printed by `fn` through Powertools' own console writes. */
function printed(fn: () => void): string[] {
  const stop = captureOutput();
  try {
    fn();
  } catch (err) {
    stop();
    throw err;
  }
  return stop();
}

const ISO_TIMESTAMP = /"timestamp":"[^"]+"/;
const EMF_TIMESTAMP = /"Timestamp":\d+/;

describe("lambda observability: Powertools' output, one write per success", function () {
  it("infoLine returns, unprinted, exactly the line Logger.info prints", () => {
    const logger = new InvocationLogger({
      serviceName: "image-classifier",
      logFormatter: new FlatLogFormatter(),
    });
    const cases: Record<string, unknown>[] = [
      { requestId: "r-1", coldStart: false, status: 200, latencyMs: 1.25, urlHost: "images.example.com" },
      // Not this function's shape, but infoLine must still print what Powertools prints (its JSON replacer).
      { requestId: "r-2", error: new TypeError("boom"), nested: { a: [1, 2] }, big: 12345678901234567890n },
    ];
    for (const attributes of cases) {
      const [expected] = printed(() => logger.info("invocation", attributes as never));
      let held: string | undefined;
      const during = printed(() => (held = logger.infoLine("invocation", attributes as never)));
      assert.deepEqual(during, [], "infoLine printed");
      assert.ok(held !== undefined && expected !== undefined);
      assert.equal(held.replace(ISO_TIMESTAMP, "T"), expected.replace(ISO_TIMESTAMP, "T"));
    }
    // Calls outside infoLine print as usual.
    assert.equal(printed(() => logger.info("plain")).length, 1);
  });

  it("infoLine returns nothing when the log level filters INFO out", () => {
    const logger = new InvocationLogger({ serviceName: "image-classifier", logLevel: "WARN" });
    const during = printed(() => assert.equal(logger.infoLine("invocation", { status: 200 }), undefined));
    assert.deepEqual(during, []);
  });

  it("takeEmfLine returns exactly the EMF document publishStoredMetrics prints, and clears the store", () => {
    const options = { namespace: "MlPlatform/ImageClassifier", serviceName: "image-classifier" };
    const reference = new InvocationMetrics(options);
    const metrics = new InvocationMetrics(options);
    for (const m of [reference, metrics]) {
      m.addMetric("Latency", MetricUnit.Milliseconds, 12.5);
      m.addMetric("Rejected", MetricUnit.Count, 1);
    }
    const [expected] = printed(() => reference.publishStoredMetrics());
    let line: string | undefined;
    assert.deepEqual(
      printed(() => (line = metrics.takeEmfLine())),
      [],
    );
    assert.ok(line !== undefined && expected !== undefined);
    assert.equal(line.replace(EMF_TIMESTAMP, "T"), expected.replace(EMF_TIMESTAMP, "T"));
    assert.equal(metrics.takeEmfLine(), undefined, "the metrics were not cleared");
  });
});

describe("lambda bundle: what each invocation writes", function () {
  const fn = useFunctionUnderTest();

  it("writes a success's log line and EMF document to stdout in one write", async () => {
    const writes = await writesDuring(() => fn.handler({ url: IMAGE }, lambdaContext()));
    assert.equal(writes.length, 1, JSON.stringify(writes));
    assert.equal(writes[0].stream, "stdout");
    const lines = writes[0].text.split("\n");
    assert.equal(lines.pop(), "", "the write ends with a newline");
    assert.equal(lines.length, 2);
    const [log, emf] = lines.map((line) => JSON.parse(line));
    assert.equal(log.level, "INFO");
    assert.equal(log.message, "invocation");
    assert.equal(log.status, 200);
    assert.deepEqual(emf._aws.CloudWatchMetrics[0].Metrics, [{ Name: "Latency", Unit: "Milliseconds" }]);
  });

  it("writes warnings and errors to stderr and their EMF document to stdout, as Powertools does", async () => {
    const cases: [() => void, string][] = [
      [() => fn.emulator.respond(sagemakerErrors.modelError(404)), "WARN"],
      [() => fn.emulator.respond(sagemakerErrors.accessDenied()), "ERROR"],
    ];
    for (const [script, level] of cases) {
      script();
      const writes = await writesDuring(() => fn.handler({ url: IMAGE }, lambdaContext()));
      assert.deepEqual(
        writes.map((w) => w.stream),
        ["stderr", "stdout"],
      );
      assert.equal(JSON.parse(writes[0].text).level, level);
      assert.ok("_aws" in JSON.parse(writes[1].text));
    }
  });

  async function freshInstanceWith(vars: Record<string, string>): Promise<Handler> {
    const restore = setEnv(vars);
    try {
      return await importHandler();
    } finally {
      restore();
    }
  }

  it("writes the log line alone when metrics are disabled, and the EMF document alone when INFO is filtered", async () => {
    const noMetrics = await freshInstanceWith({ POWERTOOLS_METRICS_DISABLED: "true" });
    const quiet = await freshInstanceWith({ POWERTOOLS_LOG_LEVEL: "WARN" });
    const [logOnly] = await writesDuring(() => noMetrics({ url: IMAGE }, lambdaContext()));
    assert.equal(logOnly.text.split("\n").length, 2);
    assert.equal(JSON.parse(logOnly.text).level, "INFO");
    const [emfOnly] = await writesDuring(() => quiet({ url: IMAGE }, lambdaContext()));
    assert.equal(emfOnly.text.split("\n").length, 2);
    assert.ok("_aws" in JSON.parse(emfOnly.text));
  });
});
