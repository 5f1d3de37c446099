/* global performance */
// Shared by the cold-start child scripts of `npm run bench:lambda`: the timing marks and the report each child
// sends its parent over IPC before exiting, so the function and the plain-SDK baseline are measured alike.

/** Starts the clock: call it first thing in the child, before the import being measured. */
export function startColdStart() {
  return { cpuAtStart: process.cpuUsage(), started: performance.now() };
}

/** User + system CPU time of the whole process (main thread, GC and libuv threads), in ms. */
function cpuMs(usage) {
  return (usage.user + usage.system) / 1000;
}

/** Sends the timings (plus `extra`) to the parent and exits. `imported` is the mark taken after the import. */
export function reportColdStart({ cpuAtStart, started }, imported, extra) {
  const done = performance.now();
  process.send(
    {
      importMs: imported - started,
      firstInvocationMs: done - imported,
      totalMs: done - started,
      totalCpuMs: cpuMs(process.cpuUsage(cpuAtStart)),
      sinceProcessStartMs: done,
      ...extra,
    },
    () => process.exit(0),
  );
}
