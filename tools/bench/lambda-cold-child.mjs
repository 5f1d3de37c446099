/* global performance */
// One cold start, in a fresh `node` process forked by tools/bench/lambda.ts: import the function module given
// as argv[2] and invoke it once with the event in argv[3] (JSON), as Lambda's first invocation would. With
// argv[3] = "-" it only imports. Reports the timings over IPC and exits.
import { reportColdStart, startColdStart } from "./lambda-cold-report.mjs";

const moduleUrl = process.argv[2];
const eventJson = process.argv[3];

const clock = startColdStart();
const module = await import(moduleUrl);
const imported = performance.now();
let status;
if (eventJson !== "-") {
  const deadline = Date.now() + 30_000;
  const context = { awsRequestId: "cold-1", getRemainingTimeInMillis: () => deadline - Date.now() };
  status = (await module.handler(JSON.parse(eventJson), context)).statusCode;
}
reportColdStart(clock, imported, { status });
