/* global performance */
// Warm loop, in a process forked by tools/bench/lambda.ts. argv: event JSON, iterations, warm-up iterations, then
// one or more `name=module URL` pairs. It rotates through the calls below against the same emulator, so that load
// on the machine hits all alike, and sends each one's latencies (ms) and CPU time per call (µs) over IPC:
//   each module: the function's handler, as Lambda calls it, logs and EMF on (stdout goes to a file);
//   sdk:         the bare SDK call the handler makes: send(InvokeEndpointCommand) and read the body as text,
//                with its own default client from node_modules.
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";

const [eventJson, iterationsArg, warmupArg, ...modules] = process.argv.slice(2);
const iterations = Number(iterationsArg);
const warmup = Number(warmupArg);
const event = JSON.parse(eventJson);
const context = { awsRequestId: "warm", getRemainingTimeInMillis: () => 30_000 };

const calls = [];
for (const pair of modules) {
  const separator = pair.indexOf("=");
  const { handler } = await import(pair.slice(separator + 1));
  calls.push([
    pair.slice(0, separator),
    async () => {
      const response = await handler(event, context);
      if (response.statusCode !== 200)
        throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
    },
  ]);
}

const client = new SageMakerRuntimeClient({});
const body = JSON.stringify({ url: JSON.parse(event.body).url });
calls.push([
  "sdk",
  async () => {
    const output = await client.send(
      new InvokeEndpointCommand({
        EndpointName: process.env.ENDPOINT_NAME,
        ContentType: "application/json",
        Accept: "application/json",
        Body: body,
      }),
    );
    await output.Body.transformToString("utf-8");
  },
]);

for (let i = 0; i < warmup; i++) for (const [, call] of calls) await call();

const samples = Object.fromEntries(calls.map(([name]) => [name, new Array(iterations)]));
const cpuMicros = Object.fromEntries(calls.map(([name]) => [name, 0]));
for (let i = 0; i < iterations; i++) {
  // Rotate the order, so that none always follows another.
  for (let j = 0; j < calls.length; j++) {
    const [name, call] = calls[(i + j) % calls.length];
    const cpu = process.cpuUsage();
    const started = performance.now();
    await call();
    samples[name][i] = performance.now() - started;
    const used = process.cpuUsage(cpu);
    cpuMicros[name] += used.user + used.system;
  }
}
for (const name of Object.keys(cpuMicros)) cpuMicros[name] /= iterations;
process.send({ samples, cpuMicros }, () => process.exit(0));
