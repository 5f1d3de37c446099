/**
 * Builds a refreshed price file from the AWS Price List API; the command line around it is refresh.ts, whose
 * comment says what is fetched, kept and dropped.
 */
import type { PricingClient, Filter } from "@aws-sdk/client-pricing";
import {
  parsePriceBook,
  type PriceBook,
  type PriceEntry,
  type PriceUnit,
} from "@ml-platform/aws-facts/pricing/schema";
import { firstTier, type PriceListProduct } from "./price-list";
import { convert, getAllProducts, termMatch, USAGE_TYPE_PREFIXES } from "./price-list-api";

export interface RefreshOptions {
  /** Region to price, e.g. `us-east-1`. */
  readonly region: string;
  readonly client: PricingClient;
  /** The file whose instance types are refreshed and whose other entries may be kept. */
  readonly base: PriceBook;
  /** generatedAt, and asOf when a term has no effective date. Default: today (UTC). */
  readonly date?: string;
  /** Usage-type prefix for the region (default from {@link USAGE_TYPE_PREFIXES}). */
  readonly usagePrefix?: string;
  readonly log?: (line: string) => void;
}

export interface RefreshResult {
  readonly book: PriceBook;
  /** Paths of entries written from the API, e.g. `sagemaker.hosting.ml.m5.large`. */
  readonly refreshed: readonly string[];
  /** Paths kept from the base file (same region), with their original source. */
  readonly kept: readonly string[];
  /** Paths wanted but not returned by the API (and not kept). */
  readonly missing: readonly string[];
  /** GetProducts calls made (pages). */
  readonly requests: number;
}

/** Builds the refreshed file. Pure apart from the API calls through `client`. */
export async function refreshPriceBook(options: RefreshOptions): Promise<RefreshResult> {
  const { region, client, base } = options;
  const log = options.log ?? (() => undefined);
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const prefix = options.usagePrefix ?? USAGE_TYPE_PREFIXES[region];
  if (!prefix) {
    throw new Error(
      `no usage-type prefix known for region ${region}; pass --usage-prefix (e.g. USE1 for us-east-1, as in USE1-Host:ml.m5.large)`,
    );
  }
  const sameRegion = base.region === region;
  const counter = { requests: 0 };
  const refreshed: string[] = [];
  const warnings: string[] = [];
  const regionFilter = termMatch("regionCode", region);

  const entry = (product: PriceListProduct, unit: PriceUnit, what: string): PriceEntry | undefined => {
    const dimension = firstTier(product);
    if (!dimension) {
      warnings.push(`${what}: SKU ${product.sku} has no On-Demand price`);
      return undefined;
    }
    const converted = convert(unit, dimension.unit, dimension.usd);
    if ("reason" in converted) {
      warnings.push(`${what}: SKU ${product.sku} has ${converted.reason}; not refreshed`);
      return undefined;
    }
    return {
      usd: converted.usd,
      unit,
      source: `AWS Price List API (GetProducts ${product.serviceCode}, usage type ${product.attributes.usagetype ?? "?"}, SKU ${product.sku})`,
      url: `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${product.serviceCode}/current/${region}/index.json`,
      asOf: dimension.effectiveDate ?? product.publicationDate ?? date,
      confidence: "aws",
    };
  };

  // Start from an empty book of this region; kept entries are copied in at the end.
  const out: PriceBook = {
    schemaVersion: 1,
    region,
    currency: "USD",
    hoursPerMonth: 730,
    generatedAt: date,
    generatedBy: "",
    sagemaker: { notebook: {}, hosting: {}, training: {} },
    ec2: { onDemandLinux: {} },
    ebs: {},
    lambda: { x86_64: {}, arm64: {} },
    kms: {},
    s3: {},
    cloudwatch: {},
  };

  // SageMaker instances, one usage type at a time (the attribute that reliably carries the instance type).
  const components = [
    ["notebook", "Notebk"],
    ["hosting", "Host"],
    ["training", "Train"],
  ] as const;
  const unpricedTypes = Object.keys(base.sagemaker.unpriced ?? {});
  for (const [component, code] of components) {
    const wanted = [
      ...Object.keys(base.sagemaker[component]),
      ...(component === "hosting" ? unpricedTypes : []),
    ];
    for (const type of wanted) {
      const usageType = `${prefix}-${code}:${type}`;
      const products = await getAllProducts(
        client,
        "AmazonSageMaker",
        [regionFilter, termMatch("usagetype", usageType)],
        counter,
      );
      const priced = products
        .map((p) => entry(p, "hour", usageType))
        .filter((e): e is PriceEntry => !!e && e.usd > 0);
      if (priced.length === 0) continue;
      if (new Set(priced.map((p) => p.usd)).size > 1) {
        warnings.push(
          `${usageType}: ${priced.length} products with different prices; using ${priced[0]!.usd}`,
        );
      }
      out.sagemaker[component][type] = priced[0]!;
      refreshed.push(`sagemaker.${component}.${type}`);
    }
  }
  log(`SageMaker: ${refreshed.length} instance prices`);

  // EC2 on-demand Linux, every instance type in one paginated query.
  const wantedEc2 = new Set(Object.keys(base.ec2.onDemandLinux));
  if (wantedEc2.size > 0) {
    const products = await getAllProducts(
      client,
      "AmazonEC2",
      [
        regionFilter,
        termMatch("operatingSystem", "Linux"),
        termMatch("tenancy", "Shared"),
        termMatch("preInstalledSw", "NA"),
        termMatch("capacitystatus", "Used"),
        termMatch("licenseModel", "No License required"),
      ],
      counter,
    );
    const boxUsage = (p: PriceListProduct) =>
      /(^|-)BoxUsage:/.test(p.attributes.usagetype ?? "") &&
      (p.attributes.operation ?? "RunInstances") === "RunInstances";
    for (const type of wantedEc2) {
      const candidates = products.filter((p) => p.attributes.instanceType === type);
      const product = candidates.find(boxUsage) ?? candidates[0];
      const priced = product && entry(product, "hour", `EC2 ${type}`);
      if (!priced) continue;
      out.ec2.onDemandLinux[type] = priced;
      refreshed.push(`ec2.onDemandLinux.${type}`);
    }
    log(
      `EC2: ${products.length} products read, ${Object.keys(out.ec2.onDemandLinux).length} wanted types priced`,
    );
  }

  /** Runs a query and stores the first product whose usage type matches `pattern`. */
  const single = async (
    path: string,
    service: string,
    filters: Filter[],
    pattern: RegExp,
    unit: PriceUnit,
    store: (e: PriceEntry) => void,
  ) => {
    const products = await getAllProducts(client, service, filters, counter);
    const product = products.find((p) => pattern.test(p.attributes.usagetype ?? ""));
    const priced = product && entry(product, unit, path);
    if (!priced) return;
    store(priced);
    refreshed.push(path);
  };

  await single(
    "ebs.gp3GbMonth",
    "AmazonEC2",
    [regionFilter, termMatch("productFamily", "Storage"), termMatch("volumeApiName", "gp3")],
    /(^|-)EBS:VolumeUsage\.gp3$/,
    "GB-month",
    (e) => (out.ebs.gp3GbMonth = e),
  );

  // Lambda: one query for the region; products told apart by usage type.
  const lambdaProducts = await getAllProducts(client, "AWSLambda", [regionFilter], counter);
  const lambdaKinds = {
    Request: ["requestsPerMillion", "1M requests"],
    "Lambda-GB-Second": ["durationGbSecond", "GB-second"],
    "Lambda-Provisioned-Concurrency": ["provisionedConcurrencyGbSecond", "GB-second"],
    "Lambda-Provisioned-GB-Second": ["provisionedDurationGbSecond", "GB-second"],
  } as const;
  for (const product of lambdaProducts) {
    const m =
      /^(?:[A-Z0-9]+-)?(Request|Lambda-GB-Second|Lambda-Provisioned-Concurrency|Lambda-Provisioned-GB-Second)(-ARM)?$/.exec(
        product.attributes.usagetype ?? "",
      );
    if (!m) continue;
    const [key, unit] = lambdaKinds[m[1] as keyof typeof lambdaKinds];
    const arch = m[2] ? "arm64" : "x86_64";
    const path = `lambda.${arch}.${key}`;
    if (refreshed.includes(path)) continue;
    const priced = entry(product, unit, path);
    if (!priced) continue;
    out.lambda[arch][key] = priced;
    refreshed.push(path);
  }

  await single(
    "kms.keyMonth",
    "awskms",
    [regionFilter],
    /(^|-)KMS-Keys$/,
    "key-month",
    (e) => (out.kms.keyMonth = e),
  );
  await single(
    "s3.standardGbMonth",
    "AmazonS3",
    [regionFilter, termMatch("storageClass", "General Purpose"), termMatch("volumeType", "Standard")],
    /(^|-)TimedStorage-ByteHrs$/,
    "GB-month",
    (e) => (out.s3.standardGbMonth = e),
  );
  await single(
    "cloudwatch.logsIngestionGb",
    "AmazonCloudWatch",
    [regionFilter],
    /(^|-)DataProcessing-Bytes$/,
    "GB",
    (e) => (out.cloudwatch.logsIngestionGb = e),
  );

  // Keep (same region) or drop (another region) what the API did not provide.
  const kept: string[] = [];
  const missing: string[] = [];
  const carry = (path: string, copy: () => void) => {
    if (refreshed.includes(path)) return;
    if (sameRegion) {
      copy();
      kept.push(path);
    } else missing.push(path);
  };
  for (const [component] of components) {
    for (const [type, e] of Object.entries(base.sagemaker[component])) {
      carry(`sagemaker.${component}.${type}`, () => (out.sagemaker[component][type] = e));
    }
  }
  for (const [type, reason] of Object.entries(base.sagemaker.unpriced ?? {})) {
    if (refreshed.includes(`sagemaker.hosting.${type}`)) continue;
    if (sameRegion) out.sagemaker.unpriced = { ...out.sagemaker.unpriced, [type]: reason };
  }
  for (const [type, e] of Object.entries(base.ec2.onDemandLinux)) {
    carry(`ec2.onDemandLinux.${type}`, () => (out.ec2.onDemandLinux[type] = e));
  }
  const optional: [string, unknown, (v: never) => void][] = [
    [
      "sagemaker.mlStorageGbMonth",
      base.sagemaker.mlStorageGbMonth,
      (v) => (out.sagemaker.mlStorageGbMonth = v),
    ],
    ["sagemaker.serverless", base.sagemaker.serverless, (v) => (out.sagemaker.serverless = v)],
    [
      "sagemaker.managedSpotTrainingMaxSavings",
      base.sagemaker.managedSpotTrainingMaxSavings,
      (v) => (out.sagemaker.managedSpotTrainingMaxSavings = v),
    ],
    ["ec2.spotSavings", base.ec2.spotSavings, (v) => (out.ec2.spotSavings = v)],
    ["kms.keyMonth", base.kms.keyMonth, (v) => (out.kms.keyMonth = v)],
    ["s3.standardGbMonth", base.s3.standardGbMonth, (v) => (out.s3.standardGbMonth = v)],
    [
      "cloudwatch.logsIngestionGb",
      base.cloudwatch.logsIngestionGb,
      (v) => (out.cloudwatch.logsIngestionGb = v),
    ],
  ];
  // EBS: gp3 storage is refreshed above; the other volume types and provisioned IOPS and throughput are kept.
  for (const [key, value] of Object.entries(base.ebs)) {
    optional.push([`ebs.${key}`, value, (v) => ((out.ebs as Record<string, unknown>)[key] = v)]);
  }
  for (const arch of ["x86_64", "arm64"] as const) {
    for (const [key, value] of Object.entries(base.lambda[arch])) {
      optional.push([
        `lambda.${arch}.${key}`,
        value,
        (v) => ((out.lambda[arch] as Record<string, unknown>)[key] = v),
      ]);
    }
  }
  for (const [path, value, set] of optional) {
    if (value !== undefined) carry(path, () => set(value as never));
  }

  for (const warning of warnings) log(`warning: ${warning}`);
  const generatedBy =
    `AWS Price List API via npm run pricing:refresh on ${date}: ${refreshed.length} entries from the API` +
    (kept.length > 0 ? `, ${kept.length} kept from the previous file with their own sources` : "");
  const book = parsePriceBook({ ...out, generatedBy }, `refreshed ${region} price file`);
  return { book, refreshed, kept, missing, requests: counter.requests };
}
