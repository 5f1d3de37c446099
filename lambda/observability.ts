// The function's observability: one Powertools Logger line and one Powertools Metrics EMF document per
// invocation. Logging and metrics are one concern, kept apart from the request path in index.ts.
//
// Both go to stdout on a success (Logger writes INFO there, WARN and ERROR to stderr; Metrics writes EMF to
// stdout). Each Powertools write goes through its own node:console Console (argument formatting, an error
// listener added and removed) and then a stream write. On a success both lines leave in one stdout write
// instead, through Powertools' own extension points: a Logger subclass whose printLog keeps the line it would
// have printed, and a Metrics subclass that serialises the stored metrics as publishStoredMetrics does.
// The bytes are the same two newline-terminated JSON lines; a pipe keeps no write boundaries, so CloudWatch
// Logs, which takes one log event per line of stdout, sees the same two events as from two writes.
// Under POWERTOOLS_DEV, Powertools prints through the global console with indentation, so nothing is combined.
import { Logger, type LogItem } from "@aws-lambda-powertools/logger";
import type { LogAttributes } from "@aws-lambda-powertools/logger/types";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { isDevMode } from "@aws-lambda-powertools/commons/utils/env";
import { FlatLogFormatter } from "./log-format";

/** True when every value is a string, number or boolean: what the function's log line always holds. */
function isFlatRecord(record: Record<string, unknown>): boolean {
  for (const key in record) {
    const type = typeof record[key];
    if (type !== "string" && type !== "number" && type !== "boolean") return false;
  }
  return true;
}

/** A Logger that can hand back the line of one call instead of printing it. */
export class InvocationLogger extends Logger {
  #holding = false;
  #held: string | undefined;

  /**
   * Logs `message` at INFO and returns the line Powertools would have printed, without printing it; undefined
   * when the log level filters it out.
   */
  public infoLine(message: string, attributes: LogAttributes): string | undefined {
    this.#holding = true;
    this.#held = undefined;
    try {
      this.info(message, attributes);
    } finally {
      this.#holding = false;
    }
    const line = this.#held;
    this.#held = undefined;
    return line;
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    if (!this.#holding) return super.printLog(logLevel, log);
    // What Logger.printLog writes outside POWERTOOLS_DEV (indentation 0), minus the console call. Its JSON
    // replacer only rewrites Errors, bigints and repeated objects; a record of strings, numbers and booleans
    // (this function's, always) comes out byte for byte the same without the replacer's call per key.
    log.prepareForPrint();
    const attributes = log.getAttributes();
    this.#held = isFlatRecord(attributes)
      ? JSON.stringify(attributes)
      : JSON.stringify(attributes, this.getJsonReplacer());
  }
}

/** Metrics that can hand back the EMF document publishStoredMetrics would have written. */
export class InvocationMetrics extends Metrics {
  /**
   * The stored metrics as one EMF line, then clears them, as publishStoredMetrics does; undefined when metrics
   * are disabled (POWERTOOLS_METRICS_DISABLED, or POWERTOOLS_DEV) or nothing is stored.
   */
  public takeEmfLine(): string | undefined {
    try {
      if (this.isDisabled() || !this.hasStoredMetrics()) return undefined;
      return JSON.stringify(this.serializeMetrics());
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
  }
}

const serviceName = process.env.POWERTOOLS_SERVICE_NAME || "image-classifier";
// FlatLogFormatter writes the default record without the default formatter's deep merge and copies.
const logger = new InvocationLogger({ serviceName, logFormatter: new FlatLogFormatter() });
const metrics = new InvocationMetrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || "MlPlatform/ImageClassifier",
  serviceName,
});
// Decided once, as Powertools decides its console and indentation once, when the Logger is created.
const combineWrites = !isDevMode();

function noop(): void {}

/** One write to stdout, guarded against stream errors as node:console guards its own writes. */
function writeStdout(text: string): void {
  const stdout = process.stdout;
  stdout.once("error", noop);
  try {
    stdout.write(text, noop);
  } finally {
    stdout.removeListener("error", noop);
  }
}

function addMetrics(latencyMs: number, outcomeMetric: string | undefined): void {
  metrics.addMetric("Latency", MetricUnit.Milliseconds, latencyMs);
  if (outcomeMetric !== undefined) metrics.addMetric(outcomeMetric, MetricUnit.Count, 1);
}

/**
 * Writes the invocation's log line (ERROR for 500/502, WARN for 422/503/504, INFO otherwise) and its EMF
 * document: Latency on every invocation, plus a count of `outcomeMetric` when there is one (so alarm on Sum,
 * with missing data treated as not breaching). Never throws.
 */
export function emitInvocation(
  status: number,
  line: LogAttributes,
  latencyMs: number,
  outcomeMetric?: string,
): void {
  if (combineWrites && status < 422) {
    // INFO: the log line and the EMF document both go to stdout, in one write.
    let text = "";
    try {
      const logLine = logger.infoLine("invocation", line);
      if (logLine !== undefined) text = `${logLine}\n`;
    } catch {
      // Logging must never turn an answer into a crash.
    }
    try {
      addMetrics(latencyMs, outcomeMetric);
      const emf = metrics.takeEmfLine();
      if (emf !== undefined) text += `${emf}\n`;
    } catch {
      // Metrics are best effort.
    }
    try {
      if (text !== "") writeStdout(text);
    } catch {
      // As for logging.
    }
    return;
  }
  try {
    if (status >= 500 && status !== 503 && status !== 504) logger.error("invocation", line);
    else if (status >= 422) logger.warn("invocation", line);
    else logger.info("invocation", line);
  } catch {
    // Logging must never turn an answer into a crash.
  }
  try {
    addMetrics(latencyMs, outcomeMetric);
    metrics.publishStoredMetrics();
  } catch {
    // Metrics are best effort.
  }
}
