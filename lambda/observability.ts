// The function's observability: one Powertools Logger line and one Powertools Metrics EMF document per
// invocation. Logging and metrics are one concern, kept apart from the request path in index.ts.
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogAttributes } from "@aws-lambda-powertools/logger/types";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { FlatLogFormatter } from "./log-format";

const serviceName = process.env.POWERTOOLS_SERVICE_NAME || "image-classifier";
// FlatLogFormatter writes the default record without the default formatter's deep merge and copies.
const logger = new Logger({ serviceName, logFormatter: new FlatLogFormatter() });
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || "MlPlatform/ImageClassifier",
  serviceName,
});

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
  try {
    if (status >= 500 && status !== 503 && status !== 504) logger.error("invocation", line);
    else if (status >= 422) logger.warn("invocation", line);
    else logger.info("invocation", line);
  } catch {
    // Logging must never turn an answer into a crash.
  }
  try {
    metrics.addMetric("Latency", MetricUnit.Milliseconds, latencyMs);
    if (outcomeMetric !== undefined) metrics.addMetric(outcomeMetric, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  } catch {
    // Metrics are best effort.
  }
}
