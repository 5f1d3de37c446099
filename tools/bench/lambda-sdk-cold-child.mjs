/* global performance */
// The plain-SDK cold start, in a fresh `node` process forked by tools/bench/lambda.ts: what a function using the
// Lambda runtime's built-in SDK does on its first invocation. It imports @aws-sdk/client-sagemaker-runtime from
// node_modules, creates a default client, sends the InvokeEndpointCommand the function sends for the image URL
// in argv[2] and reads the body as text. Reports the timings over IPC (lambda-cold-report.mjs, like lambda-cold-child.mjs) and
// exits.
import { reportColdStart, startColdStart } from "./lambda-cold-report.mjs";

const imageUrl = process.argv[2];

const clock = startColdStart();
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
reportColdStart(clock, imported, { status: output.$metadata.httpStatusCode, bodyBytes: body.length });
