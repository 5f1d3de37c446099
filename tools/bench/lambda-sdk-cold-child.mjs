/* global performance */
// The plain-SDK cold start, in a fresh `node` process forked by tools/bench/lambda.ts: what a function using the
// Lambda runtime's built-in SDK does on its first invocation. It imports @aws-sdk/client-sagemaker-runtime from
// node_modules, creates a default client, sends the InvokeEndpointCommand the function sends for the image URL
// in argv[2] and reads the body as text. Reports the timings over IPC (the shape of lambda-cold-child.mjs) and
// exits.
const imageUrl = process.argv[2];

const cpuAtStart = process.cpuUsage();
const started = performance.now();
const { InvokeEndpointCommand, SageMakerRuntimeClient } = await import("@aws-sdk/client-sagemaker-runtime");
const imported = performance.now();
const client = new SageMakerRuntimeClient({});
const output = await client.send(
  new InvokeEndpointCommand({
    EndpointName: process.env.ENDPOINT_NAME,
    ContentType: "application/json",
    Accept: "application/json",
    Body: JSON.stringify({ url: imageUrl }),
  }),
);
const body = await output.Body.transformToString("utf-8");
const done = performance.now();

/** User + system CPU time of the whole process (main thread, GC and libuv threads), in ms. */
function cpuMs(usage) {
  return (usage.user + usage.system) / 1000;
}

process.send(
  {
    importMs: imported - started,
    firstInvocationMs: done - imported,
    totalMs: done - started,
    totalCpuMs: cpuMs(process.cpuUsage(cpuAtStart)),
    sinceProcessStartMs: done,
    status: output.$metadata.httpStatusCode,
    bodyBytes: body.length,
  },
  () => process.exit(0),
);
