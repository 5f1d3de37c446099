// The Powertools Logger formatter the function uses: Powertools' own extension point (a LogFormatter subclass,
// passed as `logFormatter`). It writes the same keys, in the same order and with the same omissions, as the
// default PowertoolsLogFormatter, but builds the record in one flat pass: the default copies the base keys
// into a LogItem, deep-merges the extra keys into it, then copies it once more to drop empty values. The
// function's log attributes are flat primitives, so the deep merge has nothing to merge, and on the warm path
// those copies are a measurable share of the per-invocation cost (see `npm run bench:lambda`).
import { LogFormatter, LogItem } from "@aws-lambda-powertools/logger";
import type { LogAttributes, UnformattedAttributes } from "@aws-lambda-powertools/logger/types";

/** Powertools' rule for a value that is left out of the printed record (LogItem.removeEmptyKeys). */
function isEmpty(value: unknown): boolean {
  return value === undefined || value === "" || value === null;
}

/** Sets `key` unless the value is one Powertools leaves out. */
function put(record: LogAttributes, key: string, value: unknown): void {
  if (!isEmpty(value)) record[key] = value as LogAttributes[string];
}

/** A LogItem whose attributes are already free of empty values, so printing needs no further copy. */
class PreparedLogItem extends LogItem {
  public override prepareForPrint(): void {
    // Empty values were left out when the record was built.
  }
}

export class FlatLogFormatter extends LogFormatter {
  public formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const record: LogAttributes = {};
    // PowertoolsLogFormatter's keys, in its order.
    put(record, "level", attributes.logLevel);
    put(record, "message", attributes.message);
    put(record, "timestamp", this.formatTimestamp(attributes.timestamp));
    put(record, "service", attributes.serviceName);
    const context = attributes.lambdaContext;
    if (context !== undefined) {
      put(record, "cold_start", context.coldStart);
      put(record, "function_arn", context.invokedFunctionArn);
      put(record, "function_memory_size", context.memoryLimitInMB);
      put(record, "function_name", context.functionName);
      put(record, "function_request_id", context.awsRequestId);
    }
    put(record, "sampling_rate", attributes.sampleRateValue);
    put(record, "xray_trace_id", attributes.xRayTraceId);
    put(record, "tenant_id", context?.tenantId);
    // Then the call's own keys, which may override a base key, as the default's merge lets them.
    for (const key in additional) put(record, key, additional[key]);
    return new PreparedLogItem({ attributes: record });
  }
}
