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
import { PricingClient } from "@aws-sdk/client-pricing";
import { getPriceBook, loadPriceBookFile } from "@ml-platform/aws-facts/pricing/price-book";
import type { PriceBook } from "@ml-platform/aws-facts/pricing/schema";
import { PRICE_LIST_API_REGION } from "./price-list-api";
import { refreshPriceBook } from "./refresh-price-book";

export { PRICE_LIST_API_REGION, USAGE_TYPE_PREFIXES } from "./price-list-api";
export { refreshPriceBook, type RefreshOptions, type RefreshResult } from "./refresh-price-book";

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
