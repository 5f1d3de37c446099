/**
 * `npm run pricing:refresh -- --region us-east-1 [--out file] [--base file] [--date YYYY-MM-DD]`
 *
 * Regenerates a price file (aws-facts/pricing/<region>.json) from the AWS Price List API with
 * @aws-sdk/client-pricing `GetProducts`, for users who have AWS credentials (any identity allowed
 * `pricing:GetProducts`; the SDK's default credential chain is used). The API is served from us-east-1.
 *
 * What it fetches, for the instance types listed in the base file (by default the region's current file, else
 * us-east-1's list of types):
 * - SageMaker notebook, hosting and training prices by usage type (`USE1-Notebk:ml.t3.medium`, `USE1-Host:…`,
 *   `USE1-Train:…`);
 * - EC2 on-demand Linux (regionCode, operatingSystem Linux, tenancy Shared, preInstalledSw NA, capacitystatus Used)
 *   and EBS gp3 storage (the other EBS volume types and provisioned IOPS and throughput are kept from the base file);
 * - Lambda requests, duration, provisioned concurrency and duration on provisioned concurrency (x86_64 and arm64);
 * - KMS key-months, S3 Standard storage (first tier), CloudWatch Logs ingestion.
 * Every refreshed entry gets source "AWS Price List API (…)", the url of the service's public bulk price list for
 * the region, the term's effective date and confidence "aws".
 * Entries the API does not cover here (SageMaker ML storage, serverless, spot ranges) are kept from the base file
 * with their own sources when it is the same region, and dropped otherwise: a price is never carried from one
 * region into another's file. The summary lists what was refreshed, kept and missing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { GetProductsCommand, PricingClient, type Filter } from "@aws-sdk/client-pricing";
import { getPriceBook, loadPriceBookFile } from "@ml-platform/aws-facts/pricing/price-book";
import {
  parsePriceBook,
  type PriceBook,
  type PriceEntry,
  type PriceUnit,
} from "@ml-platform/aws-facts/pricing/schema";
import { firstTier, parsePriceListItem, type PriceListProduct } from "./price-list";

/** Billing-region prefixes of usage types (`USE1-Host:ml.m5.large`). Pass --usage-prefix for others. */
export const USAGE_TYPE_PREFIXES: Readonly<Record<string, string>> = {
  "us-east-1": "USE1",
  "us-east-2": "USE2",
  "us-west-1": "USW1",
  "us-west-2": "USW2",
  "ca-central-1": "CAN1",
  "sa-east-1": "SAE1",
  "eu-west-1": "EU",
  "eu-west-2": "EUW2",
  "eu-west-3": "EUW3",
  "eu-central-1": "EUC1",
  "eu-north-1": "EUN1",
  "eu-south-1": "EUS1",
  "ap-northeast-1": "APN1",
  "ap-northeast-2": "APN2",
  "ap-northeast-3": "APN3",
  "ap-southeast-1": "APS1",
  "ap-southeast-2": "APS2",
  "ap-south-1": "APS3",
  "ap-east-1": "APE1",
  "me-south-1": "MES1",
  "af-south-1": "AFS1",
};

/** The Price List API's own endpoint region (it also runs in eu-central-1 and ap-south-1). */
export const PRICE_LIST_API_REGION = "us-east-1";

const MAX_PAGES = 1000;

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

const termMatch = (Field: string, Value: string): Filter => ({ Type: "TERM_MATCH", Field, Value });

/** Fetches every page of a GetProducts query, following NextToken. */
export async function getAllProducts(
  client: PricingClient,
  serviceCode: string,
  filters: Filter[],
  counter: { requests: number } = { requests: 0 },
): Promise<PriceListProduct[]> {
  const products: PriceListProduct[] = [];
  const seenTokens = new Set<string>();
  let nextToken: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page++) {
    counter.requests++;
    let response;
    try {
      response = await client.send(
        new GetProductsCommand({
          ServiceCode: serviceCode,
          Filters: filters,
          FormatVersion: "aws_v1",
          MaxResults: 100,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
    } catch (error) {
      const e = error as Error & { name?: string };
      const query = filters.map((f) => `${f.Field}=${f.Value}`).join(", ");
      throw new Error(
        `GetProducts ${serviceCode} (${query}) page ${page} failed: ${e.name ?? "Error"}: ${e.message}`,
      );
    }
    // Typed as string[] or an "automatic JSON string"; at run time each entry is a string or a boxed LazyJsonString.
    const items: unknown[] = Array.isArray(response.PriceList) ? response.PriceList : [];
    items.forEach((item, i) =>
      products.push(parsePriceListItem(item, `GetProducts ${serviceCode} page ${page} PriceList[${i}]`)),
    );
    nextToken = response.NextToken || undefined;
    if (!nextToken) return products;
    if (seenTokens.has(nextToken))
      throw new Error(`GetProducts ${serviceCode}: NextToken repeated on page ${page}`);
    seenTokens.add(nextToken);
  }
  throw new Error(`GetProducts ${serviceCode}: more than ${MAX_PAGES} pages; narrow the filters`);
}

const HOURLY_UNITS = new Set(["hrs", "hours", "hour"]);

/** A Price List dimension converted to the file's unit, or a reason it cannot be. */
function convert(unit: PriceUnit, apiUnit: string, usd: number): { usd: number } | { reason: string } {
  const u = apiUnit.toLowerCase();
  const ok = (value: number) => ({ usd: Number(value.toPrecision(10)) });
  switch (unit) {
    case "hour":
      return HOURLY_UNITS.has(u) ? ok(usd) : { reason: `unit ${apiUnit}, expected Hrs` };
    case "GB-month":
      return u === "gb-mo" || u === "gb-month" ? ok(usd) : { reason: `unit ${apiUnit}, expected GB-Mo` };
    case "GB-second":
      return /gb-s(econd)?s?$/.test(u) ? ok(usd) : { reason: `unit ${apiUnit}, expected a GB-second unit` };
    case "1M requests":
      if (u === "requests" || u === "request") return ok(usd * 1e6);
      return u === "1m requests" ? ok(usd) : { reason: `unit ${apiUnit}, expected Requests` };
    case "key-month":
      return /key/.test(u) || u === "month" ? ok(usd) : { reason: `unit ${apiUnit}, expected Keys` };
    case "GB":
      return u === "gb" ? ok(usd) : { reason: `unit ${apiUnit}, expected GB` };
    case "IOPS-month":
      return /^iops-mo(nth)?$/.test(u) ? ok(usd) : { reason: `unit ${apiUnit}, expected IOPS-Mo` };
    case "MiB/s-month":
      return /^(mib|mb)ps-mo(nth)?$/.test(u) ? ok(usd) : { reason: `unit ${apiUnit}, expected MiBps-Mo` };
  }
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

export interface CliIo {
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
  /** Client factory, for tests; default: a PricingClient in us-east-1 with the default credential chain. */
  readonly makeClient?: (endpoint: string | undefined) => PricingClient;
}

const USAGE = `Usage: npm run pricing:refresh -- --region <region> [--out <file>] [--base <file>] [--date YYYY-MM-DD]
                                   [--usage-prefix <prefix>] [--endpoint <url>]

Regenerates aws-facts/pricing/<region>.json from the AWS Price List API (needs AWS credentials allowed
pricing:GetProducts). --base names the file whose instance types are refreshed (default: the region's current
file, else us-east-1's); --out writes elsewhere; --endpoint points the client at another Price List endpoint.`;

/** The CLI. Returns the exit code: 0 written, 1 API or data error, 2 usage error. */
export async function main(
  argv: readonly string[],
  io: CliIo = { log: console.log, error: console.error },
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        region: { type: "string" },
        out: { type: "string" },
        base: { type: "string" },
        date: { type: "string" },
        "usage-prefix": { type: "string" },
        endpoint: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.log(USAGE);
    return 0;
  }
  const region = values.region as string | undefined;
  if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    io.error(
      `--region is required and must be a region code such as us-east-1${region ? ` (got "${region}")` : ""}\n\n${USAGE}`,
    );
    return 2;
  }
  const date = values.date as string | undefined;
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    io.error(`--date must be YYYY-MM-DD (got "${date}")`);
    return 2;
  }
  let base: PriceBook;
  try {
    base = values.base
      ? loadPriceBookFile(values.base as string)
      : (getPriceBook(region) ?? getPriceBook("us-east-1")!);
  } catch (error) {
    io.error((error as Error).message);
    return 2;
  }
  const out = resolve(
    (values.out as string | undefined) ?? join(__dirname, "../../aws-facts/pricing", `${region}.json`),
  );
  const endpoint = values.endpoint as string | undefined;
  const client = io.makeClient
    ? io.makeClient(endpoint)
    : new PricingClient({ region: PRICE_LIST_API_REGION, ...(endpoint ? { endpoint } : {}) });
  try {
    const result = await refreshPriceBook({
      region,
      client,
      base,
      ...(date ? { date } : {}),
      ...(values["usage-prefix"] ? { usagePrefix: values["usage-prefix"] as string } : {}),
      log: io.log,
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result.book, null, 2)}\n`);
    io.log(
      `Wrote ${out}: ${result.refreshed.length} prices from the AWS Price List API (${result.requests} GetProducts calls), ` +
        `${result.kept.length} kept from ${base.region === region ? "the previous file" : "nowhere"}.`,
    );
    if (result.kept.length > 0)
      io.log(`Kept (not available from GetProducts here): ${result.kept.join(", ")}`);
    if (result.missing.length > 0)
      io.log(
        `Missing (no price written; the estimator will say "unknown price"): ${result.missing.join(", ")}`,
      );
    if (base.region !== region && !values.out) {
      io.log(`To use it, add the file to BUNDLED in aws-facts/pricing/price-book.ts.`);
    }
    return 0;
  } catch (error) {
    io.error(`pricing:refresh failed: ${(error as Error).message}`);
    return 1;
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
