/**
 * SageMaker real-time endpoints: per production variant, instance-hours from the linked scalable target's
 * min–max capacity (or the initial instance count) plus ML storage per instance; serverless variants by
 * duration and data processed.
 */
import { SAGEMAKER_VARIANT_DIMENSION } from "../../autoscaling";
import { AWS_TYPES } from "../../type-tokens";
import { HOURS_PER_MONTH } from "../assumptions";
import { num, obj, str, type GraphNode } from "../graph";
import type { Range } from "../lines";
import { fmt, plural, type ResourcePricing, type StackEstimation } from "../pricer";

/** The dimension a scalable target must scale to set a variant's instance count. */
const VARIANT_INSTANCE_COUNT = SAGEMAKER_VARIANT_DIMENSION;

export function priceEndpoint(r: ResourcePricing): void {
  const config = endpointConfigFor(r.stack, r.node);
  if (!config) {
    return r.unknown(
      "endpoint instances",
      "hour",
      "unknown price: the endpoint's configuration is not in the stack, so its instance type and count are unknown",
    );
  }
  const variants = Array.isArray(config.props.productionVariants)
    ? config.props.productionVariants
        .map((v) => obj(v))
        .filter((v): v is Record<string, unknown> => v !== undefined)
    : [];
  if (variants.length === 0) {
    return r.unknown(
      "endpoint instances",
      "hour",
      `unknown price: configuration ${config.name} has no known production variants`,
    );
  }
  for (const variant of variants) {
    const serverless = obj(variant.serverlessConfig);
    if (serverless) serverlessVariant(r, variant, serverless);
    else instanceVariant(r, variant, variants.length);
  }
}

function endpointConfigFor(stack: StackEstimation, endpoint: GraphNode): GraphNode | undefined {
  const configs = stack.ofType(AWS_TYPES.sagemakerEndpointConfiguration);
  const linked = endpoint.propertyDependencies.endpointConfigName ?? [];
  const byDeps = configs.find((c) => linked.includes(c.urn));
  if (byDeps) return byDeps;
  const name = str(endpoint.props.endpointConfigName);
  const byName = name !== undefined ? configs.find((c) => str(c.props.name) === name) : undefined;
  if (byName) return byName;
  const dependedOn = configs.filter((c) => endpoint.dependencies.includes(c.urn));
  if (dependedOn.length === 1) return dependedOn[0];
  const siblings = configs.filter((c) => c.parent !== undefined && c.parent === endpoint.parent);
  if (siblings.length === 1) return siblings[0];
  const endpoints = stack.ofType(AWS_TYPES.sagemakerEndpoint);
  return configs.length === 1 && endpoints.length === 1 ? configs[0] : undefined;
}

/** The scalable target for one variant, linked by resourceId, then dependencies, then component parent. */
function scalableTargetFor(
  stack: StackEstimation,
  endpoint: GraphNode,
  variantName: string | undefined,
  variantCount: number,
): GraphNode | undefined {
  const targets = stack
    .ofType(AWS_TYPES.appautoscalingTarget)
    .filter(
      (n) =>
        !stack.usedTargets.has(n.urn) &&
        (str(n.props.scalableDimension) ?? VARIANT_INSTANCE_COUNT) === VARIANT_INSTANCE_COUNT,
    );
  const endpointName = str(endpoint.props.name);
  const parse = (t: GraphNode) => /^endpoint\/([^/]+)\/variant\/([^/]+)$/.exec(str(t.props.resourceId) ?? "");
  const variantMatches = (t: GraphNode) => {
    const m = parse(t);
    if (m) return variantName === undefined || m[2] === variantName;
    return variantCount === 1; // resourceId unknown: only safe with a single variant
  };
  const pick = (found: GraphNode | undefined) => {
    if (found) stack.usedTargets.add(found.urn);
    return found;
  };
  if (endpointName !== undefined) {
    const exact = targets.find((t) => {
      const m = parse(t);
      return m !== null && m[1] === endpointName && (variantName === undefined || m[2] === variantName);
    });
    if (exact) return pick(exact);
  }
  const linked = targets.find(
    (t) =>
      ((t.propertyDependencies.resourceId ?? []).includes(endpoint.urn) ||
        t.dependencies.includes(endpoint.urn)) &&
      variantMatches(t),
  );
  if (linked) return pick(linked);
  const endpointsInParent = stack
    .ofType(AWS_TYPES.sagemakerEndpoint)
    .filter((n) => n.parent === endpoint.parent);
  if (endpoint.parent !== undefined && endpointsInParent.length === 1) {
    const sibling = targets.find(
      (t) => t.parent === endpoint.parent && variantMatches(t) && parse(t) === null,
    );
    const siblingByVariant = targets.find((t) => t.parent === endpoint.parent && variantMatches(t));
    return pick(sibling ?? siblingByVariant);
  }
  return undefined;
}

function instanceVariant(r: ResourcePricing, variant: Record<string, unknown>, variantCount: number): void {
  const { book, node: endpoint } = r;
  const variantName = str(variant.variantName);
  const type = variant.instanceType;
  const label = `${str(type) ?? "instance"} hosting${variantName ? ` (variant ${variantName})` : ""}`;
  const initial = num(variant.initialInstanceCount);
  const target = scalableTargetFor(r.stack, endpoint, variantName, variantCount);
  let count: Range | undefined;
  let countBasis: string;
  if (target) {
    const min = num(target.props.minCapacity);
    const max = num(target.props.maxCapacity);
    if (min !== undefined && max !== undefined) {
      count = { min, max };
      countBasis = `autoscaling ${target.name}: min capacity ${fmt(min)} to max capacity ${fmt(max)} instances × 730 h`;
    } else {
      countBasis = `autoscaling ${target.name} has no known min/max capacity`;
    }
  } else if (initial !== undefined) {
    count = { min: initial, max: initial };
    countBasis = `no autoscaling target found: ${plural(initial, "instance")} (initialInstanceCount) × 730 h`;
  } else {
    countBasis = "no autoscaling target and no initialInstanceCount";
  }
  if (!book) return r.noRegion(`${label} instance-hours`, "hour");
  const price = r.instancePrice(book.sagemaker.hosting, type, "SageMaker real-time hosting");
  if (!count) r.unknown(`${label} instance-hours`, "hour", `unknown quantity: ${countBasis}`);
  else if ("entry" in price)
    r.priced(
      `${label} instance-hours`,
      { min: count.min * HOURS_PER_MONTH, max: count.max * HOURS_PER_MONTH },
      price.entry,
      `${countBasis}; SageMaker inference has no spot option` +
        (obj(obj(endpoint.props.deploymentConfig)?.blueGreenUpdatePolicy)
          ? "; a blue/green update briefly runs the new fleet alongside the old one (not included)"
          : ""),
    );
  else r.unknown(`${label} instance-hours`, "hour", price.reason, countBasis);

  // ML storage attached to each instance.
  const storageLabel = `${label} ML storage`;
  const setGb = num(variant.volumeSizeInGb);
  const gb = setGb ?? r.assumptions.endpointVolumeGbPerInstance;
  const storageBasis =
    (setGb !== undefined
      ? `${fmt(gb)} GB per instance (volumeSizeInGb)`
      : `${fmt(gb)} GB per instance assumed: volumeSizeInGb not set (assumption endpointVolumeGbPerInstance)`) +
    (count
      ? ` × ${count.min === count.max ? fmt(count.min) : `${fmt(count.min)}–${fmt(count.max)}`} instances`
      : "") +
    "; types with local NVMe storage (g4dn, g5, p4d, …) bill none, so this may overstate";
  if (!count) return r.unknown(storageLabel, "GB-month", `unknown quantity: ${countBasis}`);
  if (!book.sagemaker.mlStorageGbMonth)
    return r.missingPrice(storageLabel, "GB-month", "SageMaker ML storage price");
  r.priced(
    storageLabel,
    { min: gb * count.min, max: gb * count.max },
    book.sagemaker.mlStorageGbMonth,
    storageBasis,
  );
}

function serverlessVariant(
  r: ResourcePricing,
  variant: Record<string, unknown>,
  serverless: Record<string, unknown>,
): void {
  const { book } = r;
  const a = r.assumptions;
  const variantName = str(variant.variantName);
  const label = `serverless inference${variantName ? ` (variant ${variantName})` : ""}`;
  const memoryMb = num(serverless.memorySizeInMb);
  const requests = a.serverlessRequestsPerMonth;
  const seconds = (requests * a.serverlessAverageDurationMs) / 1000;
  const traffic = `assumed ${plural(requests, "request")}/month × ${fmt(a.serverlessAverageDurationMs)} ms (assumptions serverlessRequestsPerMonth, serverlessAverageDurationMs)`;
  if (!book) {
    r.noRegion(`${label} duration`, "GB-second");
    return r.noRegion(`${label} data processed`, "GB");
  }
  const durationPrice = book.sagemaker.serverless?.inferenceGbSecond;
  if (memoryMb === undefined)
    r.unknown(`${label} duration`, "GB-second", "unknown quantity: memorySizeInMb is not known");
  else if (!durationPrice) r.missingPrice(`${label} duration`, "GB-second", "serverless inference price");
  else {
    const gbSeconds = (memoryMb / 1024) * seconds;
    r.priced(
      `${label} duration`,
      { min: gbSeconds, max: gbSeconds },
      durationPrice,
      `${fmt(memoryMb)} MB × ${traffic}`,
    );
  }
  const dataPrice = book.sagemaker.serverless?.dataProcessedGb;
  const gb = (requests * a.serverlessPayloadKbPerRequest) / (1024 * 1024);
  const dataBasis = `assumed ${plural(requests, "request")}/month × ${fmt(a.serverlessPayloadKbPerRequest)} KB in and out (assumption serverlessPayloadKbPerRequest)`;
  if (!dataPrice) r.missingPrice(`${label} data processed`, "GB", "serverless data-processing price");
  else r.priced(`${label} data processed`, { min: gb, max: gb }, dataPrice, dataBasis);
  const provisioned = num(serverless.provisionedConcurrency);
  if (provisioned !== undefined && provisioned > 0) {
    r.unknown(
      `${label} provisioned concurrency`,
      "GB-second",
      "unknown price: serverless provisioned concurrency has no price in the price file",
      `${plural(provisioned, "provisioned instance")} × ${fmt(memoryMb ?? 0)} MB × 730 h`,
    );
  }
}
