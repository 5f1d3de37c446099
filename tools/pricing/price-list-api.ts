/**
 * The AWS Price List API as the refresh command uses it: usage-type prefixes by region, paginated GetProducts
 * queries, and conversion of Price List units into the price file's units.
 */
import { GetProductsCommand, type Filter, type PricingClient } from "@aws-sdk/client-pricing";
import type { PriceUnit } from "@ml-platform/aws-facts/pricing/schema";
import { parsePriceListItem, type PriceListProduct } from "./price-list";

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

export const termMatch = (Field: string, Value: string): Filter => ({ Type: "TERM_MATCH", Field, Value });

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
export function convert(unit: PriceUnit, apiUnit: string, usd: number): { usd: number } | { reason: string } {
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
