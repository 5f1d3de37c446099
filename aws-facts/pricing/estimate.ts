/**
 * The cost estimator: a pure function from a resource graph (the one the offline preview captures, or a stack
 * policy's resources) to monthly cost lines with a stated basis each, and stack totals as a min–max range.
 *
 * Rules it keeps:
 * - a month is 730 hours;
 * - a price that is missing (unknown region, instance type, volume type, …) yields an explicit "unknown price"
 *   line, counted separately and never as zero;
 * - every usage figure that is not in the graph comes from {@link CostAssumptions} and is written into the line's
 *   basis.
 */
import { parseInstanceType } from "../instance-types";
import {
  HOURS_PER_MONTH,
  resolveAssumptions,
  type CostAssumptions,
  type CostAssumptionsInput,
} from "./assumptions";
import { isUnknown, normaliseGraph, num, obj, str, type CostGraphResource, type GraphNode } from "./graph";
import { formatUnitUsd, formatUsd } from "./money";
import { bundledPriceRegions, getPriceBook } from "./price-book";
import type { Confidence, PriceBook, PriceEntry } from "./schema";
import { AWS_TYPES } from "../type-tokens";

const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** Lambda's memorySize when the function does not set it (AWS default). */
const LAMBDA_DEFAULT_MEMORY_MB = 128;

/** A closed range; `min === max` for a point value. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/** One line of the estimate: one billable item of one resource. */
export interface CostLine {
  /** URN of the resource that incurs the cost. */
  readonly urn: string;
  /** Logical name of the resource. */
  readonly name: string;
  /** Type token of the resource. */
  readonly type: string;
  /** What is billed, e.g. "ml.m5.large hosting instance-hours". */
  readonly description: string;
  /** "priced", or "unknown" when no price (or no quantity) is available: never counted as zero. */
  readonly status: "priced" | "unknown";
  /** Billed quantity per month, in `unit`s; null when unknown. */
  readonly quantity: Range | null;
  /** Billing unit, e.g. "hour", "GB-month", "GB-second". */
  readonly unit: string;
  /** USD per unit (a range for spot capacity); null when unknown. */
  readonly unitPrice: Range | null;
  /** Monthly USD at the low end; null when unknown. */
  readonly monthlyMin: number | null;
  /** Monthly USD in the worst case; null when unknown. */
  readonly monthlyMax: number | null;
  /** Trust in the unit price: "aws" (AWS's own data), "secondary", or "unknown". */
  readonly confidence: Confidence | "unknown";
  /** Human-readable assumptions behind the quantity, e.g. "min capacity 1 to max capacity 3 × 730 h". */
  readonly basis: string;
  /** Where the price comes from, with its as-of date. */
  readonly source?: string;
  readonly asOf?: string;
  /** Caveat from the price file (uncertain, likely stale). */
  readonly note?: string;
  /** For unknown lines: why there is no price. */
  readonly reason?: string;
}

/** A resource whose type the estimator does not model (listed, never silently priced at zero). */
export interface NotEstimated {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly reason: string;
}

export interface CostTotals {
  /** Sum of the priced lines' monthly minimum (USD). */
  readonly monthlyMin: number;
  /** Sum of the priced lines' worst case (USD). */
  readonly monthlyMax: number;
  /** Number of lines with an unknown price. */
  readonly unknownCount: number;
  /** Names of the resources that have at least one unknown line. */
  readonly unknownResources: readonly string[];
  /** The priced part split by confidence. */
  readonly byConfidence: Readonly<Record<Confidence, Range>>;
}

export interface StackCostEstimate {
  /** The stack's default region (resources may override it). */
  readonly region: string;
  readonly currency: "USD";
  readonly hoursPerMonth: number;
  readonly lines: readonly CostLine[];
  readonly totals: CostTotals;
  /** AWS resources whose type has no cost model here (listed so they are not mistaken for free). */
  readonly notEstimated: readonly NotEstimated[];
  /** Number of resources known to have no direct charge (IAM, security groups, models, …). */
  readonly freeResourceCount: number;
  /** The assumptions used, defaults applied. */
  readonly assumptions: CostAssumptions;
  /** Where the prices came from, per region used. */
  readonly priceFiles: readonly { region: string; generatedAt: string; generatedBy: string }[];
}

export interface EstimateOptions {
  /**
   * The stack's AWS region (`aws:region`), used for resources without their own `region` or provider region.
   * Default `us-east-1`, and when defaulted the region is said on every unknown line.
   */
  readonly region?: string;
  /** Usage assumptions; omitted fields take the documented defaults (see CostAssumptionsSchema). */
  readonly assumptions?: CostAssumptionsInput;
  /**
   * Price files to use instead of the bundled ones, by region (for example one written by
   * `npm run pricing:refresh -- --out`). Regions absent here fall back to the bundled files.
   */
  readonly priceBooks?: Readonly<Record<string, PriceBook>>;
}

const T = {
  notebook: AWS_TYPES.sagemakerNotebookInstance,
  lifecycle: AWS_TYPES.sagemakerNotebookInstanceLifecycleConfiguration,
  endpoint: AWS_TYPES.sagemakerEndpoint,
  endpointConfig: AWS_TYPES.sagemakerEndpointConfiguration,
  scalableTarget: AWS_TYPES.appautoscalingTarget,
  ec2Instance: AWS_TYPES.ec2Instance,
  lambda: AWS_TYPES.lambdaFunction,
  provisioned: AWS_TYPES.lambdaProvisionedConcurrencyConfig,
  kmsKey: AWS_TYPES.kmsKey,
  bucket: AWS_TYPES.s3Bucket,
  bucketV2: AWS_TYPES.s3BucketV2,
  logGroup: AWS_TYPES.cloudwatchLogGroup,
} as const;

/** AWS resource types with no direct charge (configuration, identity, wiring). */
const FREE_TYPES = new Set<string>([
  T.lifecycle,
  T.endpointConfig, // billed through the Endpoint that uses it
  T.scalableTarget,
  AWS_TYPES.appautoscalingPolicy,
  AWS_TYPES.sagemakerModel,
  AWS_TYPES.ec2SecurityGroup,
  AWS_TYPES.ec2SecurityGroupRule,
  AWS_TYPES.vpcSecurityGroupIngressRule,
  AWS_TYPES.vpcSecurityGroupEgressRule,
  AWS_TYPES.lambdaAlias,
  AWS_TYPES.lambdaPermission,
  AWS_TYPES.kmsAlias,
  AWS_TYPES.kmsKeyPolicy,
  AWS_TYPES.s3BucketPolicy,
  AWS_TYPES.s3BucketPublicAccessBlock,
  AWS_TYPES.s3BucketVersioning,
  AWS_TYPES.s3BucketVersioningV2,
  AWS_TYPES.s3BucketServerSideEncryptionConfiguration,
  AWS_TYPES.s3BucketServerSideEncryptionConfigurationV2,
  AWS_TYPES.s3BucketOwnershipControls,
  AWS_TYPES.s3BucketLifecycleConfiguration,
  AWS_TYPES.s3BucketLifecycleConfigurationV2,
]);

function isFreeType(type: string): boolean {
  return FREE_TYPES.has(type) || type.startsWith("aws:iam/");
}

const PRICED_TYPES = new Set<string>([
  T.notebook,
  T.endpoint,
  T.ec2Instance,
  T.lambda,
  T.provisioned,
  T.kmsKey,
  T.bucket,
  T.bucketV2,
  T.logGroup,
]);

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-US") : String(Number(n.toFixed(4))));
const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

/** Per-resource context handed to the pricers. */
interface Ctx {
  readonly node: GraphNode;
  readonly region: string;
  readonly book: PriceBook | undefined;
  readonly regionDefaulted: boolean;
}

class Estimator {
  readonly lines: CostLine[] = [];
  readonly notEstimated: NotEstimated[] = [];
  freeResourceCount = 0;
  private readonly usedBooks = new Map<string, PriceBook>();
  private readonly usedTargets = new Set<string>();

  constructor(
    private readonly nodes: readonly GraphNode[],
    private readonly defaultRegion: string,
    private readonly regionDefaulted: boolean,
    private readonly a: CostAssumptions,
    private readonly books: Readonly<Record<string, PriceBook>>,
  ) {}

  run(): void {
    for (const node of this.nodes) {
      if (!node.type.startsWith("aws:")) continue; // components, the stack, providers, other packages
      if (isFreeType(node.type)) {
        this.freeResourceCount++;
        continue;
      }
      if (!PRICED_TYPES.has(node.type)) {
        this.notEstimated.push({
          urn: node.urn,
          name: node.name,
          type: node.type,
          reason:
            "no cost model for this resource type (not in the price file); its charges are not included",
        });
        continue;
      }
      const ctx = this.contextFor(node);
      switch (node.type) {
        case T.notebook:
          this.notebook(ctx);
          break;
        case T.endpoint:
          this.endpoint(ctx);
          break;
        case T.ec2Instance:
          this.ec2Instance(ctx);
          break;
        case T.lambda:
          this.lambdaFunction(ctx);
          break;
        case T.provisioned:
          this.provisionedConcurrency(ctx);
          break;
        case T.kmsKey:
          this.priceFixed(
            ctx,
            "customer managed KMS key",
            { min: 1, max: 1 },
            ctx.book?.kms.keyMonth,
            "1 key × 1 month (prorated hourly while it exists)",
            "KMS key-month",
            "key-month",
          );
          break;
        case T.bucket:
        case T.bucketV2:
          this.priceFixed(
            ctx,
            "S3 Standard storage",
            { min: this.a.bucketStorageGb, max: this.a.bucketStorageGb },
            ctx.book?.s3.standardGbMonth,
            `assumed ${plural(this.a.bucketStorageGb, "GB", "GB")} stored (assumption bucketStorageGb); requests and data transfer not included`,
            "S3 Standard GB-month",
            "GB-month",
          );
          break;
        case T.logGroup: {
          const retention = num(node.props.retentionInDays);
          this.priceFixed(
            ctx,
            "CloudWatch Logs ingestion",
            { min: this.a.logIngestionGbPerMonth, max: this.a.logIngestionGbPerMonth },
            ctx.book?.cloudwatch.logsIngestionGb,
            `assumed ${plural(this.a.logIngestionGbPerMonth, "GB", "GB")} ingested per month (assumption logIngestionGbPerMonth); ` +
              `storage of retained logs not included${retention !== undefined ? ` (retention ${retention} days)` : " (no retention set: kept forever)"}`,
            "CloudWatch Logs ingestion",
            "GB",
          );
          break;
        }
      }
    }
  }

  get priceFiles(): { region: string; generatedAt: string; generatedBy: string }[] {
    return [...this.usedBooks.values()].map((b) => ({
      region: b.region,
      generatedAt: b.generatedAt,
      generatedBy: b.generatedBy,
    }));
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private contextFor(node: GraphNode): Ctx {
    const own = str(node.props.region);
    const region = own ?? node.providerRegion ?? this.defaultRegion;
    const book = this.books[region] ?? getPriceBook(region);
    if (book) this.usedBooks.set(region, book);
    return {
      node,
      region,
      book,
      regionDefaulted: own === undefined && node.providerRegion === undefined && this.regionDefaulted,
    };
  }

  private unknown(ctx: Ctx, description: string, unit: string, reason: string, basis = ""): void {
    this.lines.push({
      urn: ctx.node.urn,
      name: ctx.node.name,
      type: ctx.node.type,
      description,
      status: "unknown",
      quantity: null,
      unit,
      unitPrice: null,
      monthlyMin: null,
      monthlyMax: null,
      confidence: "unknown",
      basis,
      reason,
    });
  }

  private noRegion(ctx: Ctx, description: string, unit: string): void {
    const known = [...new Set([...Object.keys(this.books), ...bundledPriceRegions()])].sort().join(", ");
    this.unknown(
      ctx,
      description,
      unit,
      `unknown price: no price file for region ${ctx.region}${ctx.regionDefaulted ? " (defaulted; pass the stack's region)" : ""} ` +
        `(price files exist for ${known}); run npm run pricing:refresh -- --region ${ctx.region}`,
    );
  }

  /** Adds a priced line; `unitPrice` defaults to the entry's price. */
  private priced(
    ctx: Ctx,
    description: string,
    quantity: Range,
    entry: PriceEntry,
    basis: string,
    unitPrice: Range = { min: entry.usd, max: entry.usd },
  ): void {
    this.lines.push({
      urn: ctx.node.urn,
      name: ctx.node.name,
      type: ctx.node.type,
      description,
      status: "priced",
      quantity,
      unit: entry.unit,
      unitPrice,
      monthlyMin: quantity.min * unitPrice.min,
      monthlyMax: quantity.max * unitPrice.max,
      confidence: entry.confidence,
      basis,
      source: entry.source,
      asOf: entry.asOf,
      ...(entry.note ? { note: entry.note } : {}),
    });
  }

  /** A line whose price is one entry of the book (KMS, S3, logs …). */
  private priceFixed(
    ctx: Ctx,
    description: string,
    quantity: Range,
    entry: PriceEntry | undefined,
    basis: string,
    what: string,
    unit: string,
  ): void {
    if (!ctx.book) return this.noRegion(ctx, description, unit);
    if (!entry)
      return this.unknown(
        ctx,
        description,
        unit,
        `unknown price: the ${ctx.region} price file has no ${what} price`,
        basis,
      );
    this.priced(ctx, description, quantity, entry, basis);
  }

  /** Looks an instance type up in a price table, with a reason when absent. */
  private instancePrice(
    ctx: Ctx,
    table: Readonly<Record<string, PriceEntry>>,
    instanceType: unknown,
    what: string,
  ): { entry: PriceEntry } | { reason: string } {
    if (isUnknown(instanceType))
      return { reason: `unknown price: the instance type is not known until apply` };
    const type = str(instanceType);
    if (type === undefined) return { reason: `unknown price: no instance type set` };
    const entry = Object.prototype.hasOwnProperty.call(table, type) ? table[type] : undefined;
    if (entry) return { entry };
    const parsed = parseInstanceType(type);
    if (!parsed.ok) return { reason: `unknown price: ${parsed.reason}` };
    const unpriced = ctx.book?.sagemaker.unpriced?.[type];
    return {
      reason: `unknown price: no ${ctx.region} ${what} price for ${type}${unpriced ? ` (${unpriced})` : ""}; add it with npm run pricing:refresh`,
    };
  }

  // ---------------------------------------------------------------------------------------------- notebook

  private notebook(ctx: Ctx): void {
    const { node, book } = ctx;
    const type = node.props.instanceType;
    const typeLabel = str(type) ?? "notebook";
    const idle = this.notebookIdleStop(node);
    const hours: Range = idle.idleStop
      ? { min: Math.min(this.a.notebookIdleStopHoursPerMonth, HOURS_PER_MONTH), max: HOURS_PER_MONTH }
      : { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH };
    const hoursBasis = idle.idleStop
      ? `idle auto-stop attached (${idle.detail}): min ${fmt(hours.min)} h/month of use (assumption notebookIdleStopHoursPerMonth), ` +
        `max 730 h if it never goes idle`
      : `always on: 730 h/month (${idle.detail}); metering runs while the instance exists and is not stopped`;
    const description = `${typeLabel} notebook instance-hours`;
    if (!book) this.noRegion(ctx, description, "hour");
    else {
      const price = this.instancePrice(ctx, book.sagemaker.notebook, type, "SageMaker notebook");
      if ("entry" in price) this.priced(ctx, description, hours, price.entry, hoursBasis);
      else this.unknown(ctx, description, "hour", price.reason, hoursBasis);
    }
    const volume = node.props.volumeSize;
    const gb = isUnknown(volume) ? undefined : (num(volume) ?? 5);
    const storageDescription = "notebook ML storage";
    if (!book) return this.noRegion(ctx, storageDescription, "GB-month");
    if (gb === undefined)
      return this.unknown(
        ctx,
        storageDescription,
        "GB-month",
        "unknown quantity: volumeSize is not known until apply",
      );
    if (!book.sagemaker.mlStorageGbMonth)
      return this.unknown(
        ctx,
        storageDescription,
        "GB-month",
        `unknown price: the ${ctx.region} price file has no SageMaker ML storage price`,
      );
    this.priced(
      ctx,
      storageDescription,
      { min: gb, max: gb },
      book.sagemaker.mlStorageGbMonth,
      `${fmt(gb)} GB volume${num(volume) === undefined ? " (AWS default 5 GB)" : ""} for the whole month, stopped or not`,
    );
  }

  /** Finds an idle auto-stop lifecycle configuration attached to a notebook. */
  private notebookIdleStop(notebook: GraphNode): { idleStop: boolean; detail: string } {
    const configName = notebook.props.lifecycleConfigName;
    const linkedUrns = notebook.propertyDependencies.lifecycleConfigName ?? [];
    if (configName === undefined && linkedUrns.length === 0)
      return { idleStop: false, detail: "no lifecycle configuration" };
    const configs = this.nodes.filter((n) => n.type === T.lifecycle);
    const config =
      configs.find((c) => linkedUrns.includes(c.urn)) ??
      configs.find((c) => str(configName) !== undefined && str(c.props.name) === str(configName)) ??
      (() => {
        const siblings = configs.filter((c) => c.parent !== undefined && c.parent === notebook.parent);
        return siblings.length === 1 ? siblings[0] : undefined;
      })();
    if (!config) {
      return {
        idleStop: false,
        detail: `lifecycle configuration ${str(configName) ?? "(name unknown)"} not found in the stack, so no idle auto-stop is assumed`,
      };
    }
    const scripts = [config.props.onStart, config.props.onCreate]
      .map((s) => str(s))
      .filter((s): s is string => s !== undefined)
      .map(decodeScript)
      .join("\n");
    if (!/idle|auto-?stop|stop-notebook-instance/i.test(scripts)) {
      return {
        idleStop: false,
        detail: `lifecycle configuration ${config.name} has no idle auto-stop in its scripts`,
      };
    }
    const minutes = idleMinutesFromScript(scripts);
    return {
      idleStop: true,
      detail: `lifecycle configuration ${config.name}${minutes !== undefined ? `, stops after ${fmt(minutes)} idle minutes` : ""}`,
    };
  }

  // ---------------------------------------------------------------------------------------------- endpoint

  private endpoint(ctx: Ctx): void {
    const { node } = ctx;
    const config = this.endpointConfigFor(node);
    if (!config) {
      return this.unknown(
        ctx,
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
      return this.unknown(
        ctx,
        "endpoint instances",
        "hour",
        `unknown price: configuration ${config.name} has no known production variants`,
      );
    }
    for (const variant of variants) {
      const serverless = obj(variant.serverlessConfig);
      if (serverless) this.serverlessVariant(ctx, variant, serverless);
      else this.instanceVariant(ctx, node, variant, variants.length);
    }
  }

  private endpointConfigFor(endpoint: GraphNode): GraphNode | undefined {
    const configs = this.nodes.filter((n) => n.type === T.endpointConfig);
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
    const endpoints = this.nodes.filter((n) => n.type === T.endpoint);
    return configs.length === 1 && endpoints.length === 1 ? configs[0] : undefined;
  }

  /** The scalable target for one variant, linked by resourceId, then dependencies, then component parent. */
  private scalableTargetFor(
    endpoint: GraphNode,
    variantName: string | undefined,
    variantCount: number,
  ): GraphNode | undefined {
    const targets = this.nodes.filter(
      (n) =>
        n.type === T.scalableTarget &&
        !this.usedTargets.has(n.urn) &&
        (str(n.props.scalableDimension) ?? "sagemaker:variant:DesiredInstanceCount") ===
          "sagemaker:variant:DesiredInstanceCount",
    );
    const endpointName = str(endpoint.props.name);
    const parse = (t: GraphNode) =>
      /^endpoint\/([^/]+)\/variant\/([^/]+)$/.exec(str(t.props.resourceId) ?? "");
    const variantMatches = (t: GraphNode) => {
      const m = parse(t);
      if (m) return variantName === undefined || m[2] === variantName;
      return variantCount === 1; // resourceId unknown: only safe with a single variant
    };
    const pick = (found: GraphNode | undefined) => {
      if (found) this.usedTargets.add(found.urn);
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
    const endpointsInParent = this.nodes.filter((n) => n.type === T.endpoint && n.parent === endpoint.parent);
    if (endpoint.parent !== undefined && endpointsInParent.length === 1) {
      const sibling = targets.find(
        (t) => t.parent === endpoint.parent && variantMatches(t) && parse(t) === null,
      );
      const siblingByVariant = targets.find((t) => t.parent === endpoint.parent && variantMatches(t));
      return pick(sibling ?? siblingByVariant);
    }
    return undefined;
  }

  private instanceVariant(
    ctx: Ctx,
    endpoint: GraphNode,
    variant: Record<string, unknown>,
    variantCount: number,
  ): void {
    const { book } = ctx;
    const variantName = str(variant.variantName);
    const type = variant.instanceType;
    const label = `${str(type) ?? "instance"} hosting${variantName ? ` (variant ${variantName})` : ""}`;
    const initial = num(variant.initialInstanceCount);
    const target = this.scalableTargetFor(endpoint, variantName, variantCount);
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
    if (!book) return this.noRegion(ctx, `${label} instance-hours`, "hour");
    const price = this.instancePrice(ctx, book.sagemaker.hosting, type, "SageMaker real-time hosting");
    if (!count) this.unknown(ctx, `${label} instance-hours`, "hour", `unknown quantity: ${countBasis}`);
    else if ("entry" in price)
      this.priced(
        ctx,
        `${label} instance-hours`,
        { min: count.min * HOURS_PER_MONTH, max: count.max * HOURS_PER_MONTH },
        price.entry,
        `${countBasis}; SageMaker inference has no spot option` +
          (obj(obj(endpoint.props.deploymentConfig)?.blueGreenUpdatePolicy)
            ? "; a blue/green update briefly runs the new fleet alongside the old one (not included)"
            : ""),
      );
    else this.unknown(ctx, `${label} instance-hours`, "hour", price.reason, countBasis);

    // ML storage attached to each instance.
    const storageLabel = `${label} ML storage`;
    const setGb = num(variant.volumeSizeInGb);
    const gb = setGb ?? this.a.endpointVolumeGbPerInstance;
    const storageBasis =
      (setGb !== undefined
        ? `${fmt(gb)} GB per instance (volumeSizeInGb)`
        : `${fmt(gb)} GB per instance assumed: volumeSizeInGb not set (assumption endpointVolumeGbPerInstance)`) +
      (count
        ? ` × ${count.min === count.max ? fmt(count.min) : `${fmt(count.min)}–${fmt(count.max)}`} instances`
        : "") +
      "; types with local NVMe storage (g4dn, g5, p4d, …) bill none, so this may overstate";
    if (!count) return this.unknown(ctx, storageLabel, "GB-month", `unknown quantity: ${countBasis}`);
    if (!book.sagemaker.mlStorageGbMonth)
      return this.unknown(
        ctx,
        storageLabel,
        "GB-month",
        `unknown price: the ${ctx.region} price file has no SageMaker ML storage price`,
      );
    this.priced(
      ctx,
      storageLabel,
      { min: gb * count.min, max: gb * count.max },
      book.sagemaker.mlStorageGbMonth,
      storageBasis,
    );
  }

  private serverlessVariant(
    ctx: Ctx,
    variant: Record<string, unknown>,
    serverless: Record<string, unknown>,
  ): void {
    const { book } = ctx;
    const variantName = str(variant.variantName);
    const label = `serverless inference${variantName ? ` (variant ${variantName})` : ""}`;
    const memoryMb = num(serverless.memorySizeInMb);
    const requests = this.a.serverlessRequestsPerMonth;
    const seconds = (requests * this.a.serverlessAverageDurationMs) / 1000;
    const traffic = `assumed ${plural(requests, "request")}/month × ${fmt(this.a.serverlessAverageDurationMs)} ms (assumptions serverlessRequestsPerMonth, serverlessAverageDurationMs)`;
    if (!book) {
      this.noRegion(ctx, `${label} duration`, "GB-second");
      return this.noRegion(ctx, `${label} data processed`, "GB");
    }
    const durationPrice = book.sagemaker.serverless?.inferenceGbSecond;
    if (memoryMb === undefined)
      this.unknown(ctx, `${label} duration`, "GB-second", "unknown quantity: memorySizeInMb is not known");
    else if (!durationPrice)
      this.unknown(
        ctx,
        `${label} duration`,
        "GB-second",
        `unknown price: the ${ctx.region} price file has no serverless inference price`,
      );
    else {
      const gbSeconds = (memoryMb / 1024) * seconds;
      this.priced(
        ctx,
        `${label} duration`,
        { min: gbSeconds, max: gbSeconds },
        durationPrice,
        `${fmt(memoryMb)} MB × ${traffic}`,
      );
    }
    const dataPrice = book.sagemaker.serverless?.dataProcessedGb;
    const gb = (requests * this.a.serverlessPayloadKbPerRequest) / (1024 * 1024);
    const dataBasis = `assumed ${plural(requests, "request")}/month × ${fmt(this.a.serverlessPayloadKbPerRequest)} KB in and out (assumption serverlessPayloadKbPerRequest)`;
    if (!dataPrice)
      this.unknown(
        ctx,
        `${label} data processed`,
        "GB",
        `unknown price: the ${ctx.region} price file has no serverless data-processing price`,
      );
    else this.priced(ctx, `${label} data processed`, { min: gb, max: gb }, dataPrice, dataBasis);
    const provisioned = num(serverless.provisionedConcurrency);
    if (provisioned !== undefined && provisioned > 0) {
      this.unknown(
        ctx,
        `${label} provisioned concurrency`,
        "GB-second",
        "unknown price: serverless provisioned concurrency has no price in the price file",
        `${plural(provisioned, "provisioned instance")} × ${fmt(memoryMb ?? 0)} MB × 730 h`,
      );
    }
  }

  // ---------------------------------------------------------------------------------------------- EC2

  private ec2Instance(ctx: Ctx): void {
    const { node, book } = ctx;
    const type = node.props.instanceType;
    const hours = this.a.trainingHostHoursPerMonth;
    const market = obj(node.props.instanceMarketOptions);
    const spot = str(market?.marketType) === "spot";
    const label = `${str(type) ?? "EC2"} ${spot ? "spot" : "on-demand"} Linux instance-hours`;
    const hoursBasis = `${fmt(hours)} h/month (assumption trainingHostHoursPerMonth)`;
    if (!book) this.noRegion(ctx, label, "hour");
    else {
      const price = this.instancePrice(ctx, book.ec2.onDemandLinux, type, "EC2 on-demand Linux");
      if (!("entry" in price)) this.unknown(ctx, label, "hour", price.reason, hoursBasis);
      else if (!spot)
        this.priced(
          ctx,
          label,
          { min: hours, max: hours },
          price.entry,
          `${hoursBasis}; billed per second, 60 s minimum`,
        );
      else {
        const savings = this.a.spotSavings ?? book.ec2.spotSavings;
        if (!savings) {
          this.unknown(
            ctx,
            label,
            "hour",
            `unknown price: the ${ctx.region} price file has no spot savings range`,
            hoursBasis,
          );
        } else {
          const od = price.entry.usd;
          const unitPrice = { min: od * (1 - savings.max), max: od * (1 - savings.min) };
          const pct = (f: number) => `${Math.round(f * 100)} %`;
          this.priced(
            ctx,
            label,
            { min: hours, max: hours },
            price.entry,
            `${hoursBasis}; spot is an indicative range ${pct(savings.min)}–${pct(savings.max)} below on-demand ` +
              `${formatUnitUsd(od)}/h${this.a.spotSavings ? " (assumption spotSavings)" : ` (source: ${book.ec2.spotSavings?.source}, as of ${book.ec2.spotSavings?.asOf})`}, ` +
              `not a quote; spot is capped at on-demand, ${formatUsd(od * hours)}/month if prices spike`,
            unitPrice,
          );
        }
      }
    }
    const root = obj(node.props.rootBlockDevice);
    this.ebsVolume(ctx, "root volume", root ?? {});
    const extra = Array.isArray(node.props.ebsBlockDevices) ? node.props.ebsBlockDevices : [];
    extra.forEach((device, i) =>
      this.ebsVolume(ctx, `EBS volume ${str(obj(device)?.deviceName) ?? i + 1}`, obj(device) ?? {}),
    );
  }

  private ebsVolume(ctx: Ctx, what: string, device: Record<string, unknown>): void {
    const { book } = ctx;
    const volumeType = str(device.volumeType);
    const label = `${what} (${volumeType ?? "gp3"})`;
    if (!book) return this.noRegion(ctx, label, "GB-month");
    const size = num(device.volumeSize);
    if (size === undefined)
      return this.unknown(
        ctx,
        label,
        "GB-month",
        "unknown quantity: volumeSize not set, so the AMI snapshot's size applies and is unknown here",
      );
    if (volumeType !== undefined && volumeType !== "gp3")
      return this.unknown(
        ctx,
        label,
        "GB-month",
        `unknown price: the price file has EBS gp3 only, not ${volumeType}`,
      );
    if (!book.ebs.gp3GbMonth)
      return this.unknown(
        ctx,
        label,
        "GB-month",
        `unknown price: the ${ctx.region} price file has no EBS gp3 price`,
      );
    this.priced(
      ctx,
      label,
      { min: size, max: size },
      book.ebs.gp3GbMonth,
      `${fmt(size)} GB for the whole month, whether the instance runs or is stopped${volumeType === undefined ? "; volume type not set (the AMI's default), priced as gp3" : ""}`,
    );
  }

  // ---------------------------------------------------------------------------------------------- Lambda

  private architectureOf(fn: GraphNode): "x86_64" | "arm64" {
    const arch = Array.isArray(fn.props.architectures) ? str(fn.props.architectures[0]) : undefined;
    return arch === "arm64" ? "arm64" : "x86_64";
  }

  private provisionedConfigsFor(fn: GraphNode): GraphNode[] {
    return this.nodes.filter((n) => n.type === T.provisioned && this.functionFor(n) === fn);
  }

  private functionFor(pc: GraphNode): GraphNode | undefined {
    const functions = this.nodes.filter((n) => n.type === T.lambda);
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

  private lambdaFunction(ctx: Ctx): void {
    const { node, book } = ctx;
    const memoryMb = node.props.memorySize == null ? LAMBDA_DEFAULT_MEMORY_MB : num(node.props.memorySize);
    const arch = this.architectureOf(node);
    const requests = this.a.lambdaRequestsPerMonth;
    const freeTier = "free tier not applied";
    const requestLabel = `Lambda requests (${arch})`;
    const durationLabel = `Lambda duration (${arch})`;
    if (!book) {
      this.noRegion(ctx, requestLabel, "1M requests");
      return this.noRegion(ctx, durationLabel, "GB-second");
    }
    const prices = book.lambda[arch];
    const requestBasis = `assumed ${plural(requests, "request")}/month (assumption lambdaRequestsPerMonth); ${freeTier}`;
    if (!prices.requestsPerMillion)
      this.unknown(
        ctx,
        requestLabel,
        "1M requests",
        `unknown price: the ${ctx.region} price file has no ${arch} Lambda request price`,
        requestBasis,
      );
    else
      this.priced(
        ctx,
        requestLabel,
        { min: requests / 1e6, max: requests / 1e6 },
        prices.requestsPerMillion,
        requestBasis,
      );

    if (memoryMb === undefined)
      return this.unknown(
        ctx,
        durationLabel,
        "GB-second",
        "unknown quantity: memorySize is not known until apply, or is not a valid size",
      );
    const gbSeconds = (requests * this.a.lambdaAverageDurationMs * (memoryMb / 1024)) / 1000;
    const durationBasis = `${plural(requests, "request")} × ${fmt(this.a.lambdaAverageDurationMs)} ms (assumption lambdaAverageDurationMs) × ${fmt(memoryMb)} MB; ${freeTier}`;
    const standard = prices.durationGbSecond;
    if (!standard)
      return this.unknown(
        ctx,
        durationLabel,
        "GB-second",
        `unknown price: the ${ctx.region} price file has no ${arch} Lambda duration price`,
        durationBasis,
      );
    const hasProvisioned = this.provisionedConfigsFor(node).length > 0;
    const onProvisioned = prices.provisionedDurationGbSecond;
    if (hasProvisioned && onProvisioned) {
      this.priced(
        ctx,
        durationLabel,
        { min: gbSeconds, max: gbSeconds },
        standard,
        `${durationBasis}; min: all invocations served by provisioned concurrency (${formatUnitUsd(onProvisioned.usd)}/GB-s), ` +
          `max: all spill over to on-demand duration (${formatUnitUsd(standard.usd)}/GB-s)`,
        { min: Math.min(onProvisioned.usd, standard.usd), max: Math.max(onProvisioned.usd, standard.usd) },
      );
    } else this.priced(ctx, durationLabel, { min: gbSeconds, max: gbSeconds }, standard, durationBasis);
  }

  private provisionedConcurrency(ctx: Ctx): void {
    const { node, book } = ctx;
    const countValue = node.props.provisionedConcurrentExecutions;
    const count = num(countValue);
    const fn = this.functionFor(node);
    const qualifier = str(node.props.qualifier);
    const label = `Lambda provisioned concurrency${qualifier ? ` (${qualifier})` : ""}`;
    if (!book) return this.noRegion(ctx, label, "GB-second");
    if (count === undefined)
      return this.unknown(
        ctx,
        label,
        "GB-second",
        "unknown quantity: provisionedConcurrentExecutions is not known",
      );
    if (!fn)
      return this.unknown(
        ctx,
        label,
        "GB-second",
        "unknown quantity: its function (and so its memory size) is not in the stack",
      );
    const memoryMb = fn.props.memorySize == null ? LAMBDA_DEFAULT_MEMORY_MB : num(fn.props.memorySize);
    if (memoryMb === undefined)
      return this.unknown(
        ctx,
        label,
        "GB-second",
        `unknown quantity: ${fn.name}'s memorySize is not known until apply, or is not a valid size`,
      );
    const arch = this.architectureOf(fn);
    const price = book.lambda[arch].provisionedConcurrencyGbSecond;
    if (!price)
      return this.unknown(
        ctx,
        label,
        "GB-second",
        `unknown price: the ${ctx.region} price file has no ${arch} provisioned-concurrency price`,
      );
    const gbSeconds = count * (memoryMb / 1024) * SECONDS_PER_MONTH;
    this.priced(
      ctx,
      label,
      { min: gbSeconds, max: gbSeconds },
      price,
      `${plural(count, "environment")} × ${fmt(memoryMb)} MB (${fn.name}) × 730 h, billed while enabled whether invoked or not; no free tier`,
    );
  }
}

/** Decodes a lifecycle script: the provider takes base64, but tolerate plain text. */
function decodeScript(script: string): string {
  const trimmed = script.trim();
  if (/^[A-Za-z0-9+/=\s]+$/.test(trimmed) && trimmed.length % 4 === 0) {
    const decoded = Buffer.from(trimmed, "base64").toString("utf8");
    if (!decoded.includes("\uFFFD")) return decoded;
  }
  return script;
}

/**
 * Idle minutes from auto-stop scripts: this repository's (`autostop.py --idle-minutes <minutes>`, see
 * components/lib/notebook-idle-stop.ts), and AWS's sample (`IDLE_TIME=<seconds>`, `--time <seconds>`).
 */
function idleMinutesFromScript(script: string): number | undefined {
  const minutes =
    /--idle-minutes[\s=]+["']?(\d+)/.exec(script) ?? /IDLE_?MINUTES\s*=\s*["']?(\d+)/i.exec(script);
  if (minutes) return Number(minutes[1]);
  const seconds = /IDLE_TIME\s*=\s*["']?(\d+)/i.exec(script) ?? /--time\s+["']?(\d+)/.exec(script);
  return seconds ? Number(seconds[1]) / 60 : undefined;
}

function sumTotals(lines: readonly CostLine[]): CostTotals {
  const byConfidence: Record<Confidence, { min: number; max: number }> = {
    aws: { min: 0, max: 0 },
    secondary: { min: 0, max: 0 },
  };
  let monthlyMin = 0;
  let monthlyMax = 0;
  const unknownResources = new Set<string>();
  let unknownCount = 0;
  for (const line of lines) {
    if (line.status === "unknown" || line.monthlyMin === null || line.monthlyMax === null) {
      unknownCount++;
      unknownResources.add(line.name);
      continue;
    }
    monthlyMin += line.monthlyMin;
    monthlyMax += line.monthlyMax;
    if (line.confidence !== "unknown") {
      byConfidence[line.confidence].min += line.monthlyMin;
      byConfidence[line.confidence].max += line.monthlyMax;
    }
  }
  return { monthlyMin, monthlyMax, unknownCount, unknownResources: [...unknownResources], byConfidence };
}

/**
 * Estimates the monthly cost of a stack.
 *
 * @param resources  the resource graph: `CapturedResource[]` from the offline preview, or a stack policy's
 *                   `args.resources` (whose `props` are outputs). Components, providers and free resources
 *                   (IAM, security groups, models, …) add no line.
 * @param options    the stack's region (default `us-east-1`), assumption overrides, optional price files.
 * @returns          per-resource lines (priced, or "unknown price" with a reason) and totals as a min–max range
 *                   plus the number of unknown lines. Never throws on unknown types, regions or values; throws
 *                   only on invalid `options.assumptions` (naming the field).
 *
 * @example
 * const estimate = estimateStackCost(stack.resources, { region: "us-east-1", assumptions: { trainingHostHoursPerMonth: 200 } });
 * console.log(formatCostTable(estimate));
 */
export function estimateStackCost(
  resources: readonly CostGraphResource[],
  options: EstimateOptions = {},
): StackCostEstimate {
  const assumptions = resolveAssumptions(options.assumptions);
  const region = options.region ?? "us-east-1";
  const estimator = new Estimator(
    normaliseGraph(resources),
    region,
    options.region === undefined,
    assumptions,
    options.priceBooks ?? {},
  );
  estimator.run();
  return {
    region,
    currency: "USD",
    hoursPerMonth: HOURS_PER_MONTH,
    lines: estimator.lines,
    totals: sumTotals(estimator.lines),
    notEstimated: estimator.notEstimated,
    freeResourceCount: estimator.freeResourceCount,
    assumptions,
    priceFiles: estimator.priceFiles,
  };
}
