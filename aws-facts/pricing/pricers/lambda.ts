/**
 * AWS Lambda: requests and duration from the assumed traffic, and provisioned concurrency billed per GB-second
 * while it is enabled. Duration becomes a range when provisioned concurrency serves part of the invocations.
 */
import { AWS_TYPES } from "../../type-tokens";
import { HOURS_PER_MONTH } from "../assumptions";
import { num, str, type GraphNode } from "../graph";
import { formatUnitUsd } from "../money";
import { fmt, plural, type ResourcePricing, type StackEstimation } from "../pricer";

const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** Lambda's memorySize when the function does not set it (AWS default). */
const LAMBDA_DEFAULT_MEMORY_MB = 128;

function architectureOf(fn: GraphNode): "x86_64" | "arm64" {
  const arch = Array.isArray(fn.props.architectures) ? str(fn.props.architectures[0]) : undefined;
  return arch === "arm64" ? "arm64" : "x86_64";
}

function memoryOf(fn: GraphNode): number | undefined {
  return fn.props.memorySize == null ? LAMBDA_DEFAULT_MEMORY_MB : num(fn.props.memorySize);
}

/** The function a provisioned-concurrency config belongs to: by dependency, name or ARN, then component parent. */
function functionFor(stack: StackEstimation, pc: GraphNode): GraphNode | undefined {
  const functions = stack.ofType(AWS_TYPES.lambdaFunction);
  const linked = pc.propertyDependencies.functionName ?? [];
  const byDeps = functions.find((f) => linked.includes(f.urn));
  if (byDeps) return byDeps;
  const name = str(pc.props.functionName);
  if (name !== undefined) {
    const byName = functions.find((f) => str(f.props.name) === name || str(f.props.arn) === name);
    if (byName) return byName;
  }
  const siblings = functions.filter((f) => f.parent !== undefined && f.parent === pc.parent);
  if (siblings.length === 1) return siblings[0];
  return functions.length === 1 ? functions[0] : undefined;
}

function hasProvisionedConcurrency(stack: StackEstimation, fn: GraphNode): boolean {
  return stack
    .ofType(AWS_TYPES.lambdaProvisionedConcurrencyConfig)
    .some((pc) => functionFor(stack, pc) === fn);
}

export function priceLambdaFunction(r: ResourcePricing): void {
  const { node, book } = r;
  const a = r.assumptions;
  const memoryMb = memoryOf(node);
  const arch = architectureOf(node);
  const requests = a.lambdaRequestsPerMonth;
  const freeTier = "free tier not applied";
  const requestLabel = `Lambda requests (${arch})`;
  const durationLabel = `Lambda duration (${arch})`;
  if (!book) {
    r.noRegion(requestLabel, "1M requests");
    return r.noRegion(durationLabel, "GB-second");
  }
  const prices = book.lambda[arch];
  const requestBasis = `assumed ${plural(requests, "request")}/month (assumption lambdaRequestsPerMonth); ${freeTier}`;
  if (!prices.requestsPerMillion)
    r.missingPrice(requestLabel, "1M requests", `${arch} Lambda request price`, requestBasis);
  else
    r.priced(
      requestLabel,
      { min: requests / 1e6, max: requests / 1e6 },
      prices.requestsPerMillion,
      requestBasis,
    );

  if (memoryMb === undefined)
    return r.unknown(
      durationLabel,
      "GB-second",
      "unknown quantity: memorySize is not known until apply, or is not a valid size",
    );
  const gbSeconds = (requests * a.lambdaAverageDurationMs * (memoryMb / 1024)) / 1000;
  const durationBasis = `${plural(requests, "request")} × ${fmt(a.lambdaAverageDurationMs)} ms (assumption lambdaAverageDurationMs) × ${fmt(memoryMb)} MB; ${freeTier}`;
  const standard = prices.durationGbSecond;
  if (!standard)
    return r.missingPrice(durationLabel, "GB-second", `${arch} Lambda duration price`, durationBasis);
  const onProvisioned = prices.provisionedDurationGbSecond;
  if (hasProvisionedConcurrency(r.stack, node) && onProvisioned) {
    r.priced(
      durationLabel,
      { min: gbSeconds, max: gbSeconds },
      standard,
      `${durationBasis}; min: all invocations served by provisioned concurrency (${formatUnitUsd(onProvisioned.usd)}/GB-s), ` +
        `max: all spill over to on-demand duration (${formatUnitUsd(standard.usd)}/GB-s)`,
      { min: Math.min(onProvisioned.usd, standard.usd), max: Math.max(onProvisioned.usd, standard.usd) },
    );
  } else r.priced(durationLabel, { min: gbSeconds, max: gbSeconds }, standard, durationBasis);
}

export function priceProvisionedConcurrency(r: ResourcePricing): void {
  const { node, book } = r;
  const count = num(node.props.provisionedConcurrentExecutions);
  const fn = functionFor(r.stack, node);
  const qualifier = str(node.props.qualifier);
  const label = `Lambda provisioned concurrency${qualifier ? ` (${qualifier})` : ""}`;
  if (!book) return r.noRegion(label, "GB-second");
  if (count === undefined)
    return r.unknown(label, "GB-second", "unknown quantity: provisionedConcurrentExecutions is not known");
  if (!fn)
    return r.unknown(
      label,
      "GB-second",
      "unknown quantity: its function (and so its memory size) is not in the stack",
    );
  const memoryMb = memoryOf(fn);
  if (memoryMb === undefined)
    return r.unknown(
      label,
      "GB-second",
      `unknown quantity: ${fn.name}'s memorySize is not known until apply, or is not a valid size`,
    );
  const arch = architectureOf(fn);
  const price = book.lambda[arch].provisionedConcurrencyGbSecond;
  if (!price) return r.missingPrice(label, "GB-second", `${arch} provisioned-concurrency price`);
  const gbSeconds = count * (memoryMb / 1024) * SECONDS_PER_MONTH;
  r.priced(
    label,
    { min: gbSeconds, max: gbSeconds },
    price,
    `${plural(count, "environment")} × ${fmt(memoryMb)} MB (${fn.name}) × 730 h, billed while enabled whether invoked or not; no free tier`,
  );
}
