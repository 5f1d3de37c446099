/**
 * Parsing of AWS Price List API (`GetProducts`) items. Each `PriceList` entry is a JSON string (the SDK may hand it
 * over as a boxed `LazyJsonString`) holding one product and its terms:
 *
 * ```json
 * { "product": { "productFamily": "Compute Instance", "sku": "…", "attributes": { "usagetype": "BoxUsage:m5.large", … } },
 *   "serviceCode": "AmazonEC2",
 *   "terms": { "OnDemand": { "<sku>.<offerTermCode>": { "effectiveDate": "2026-07-01T00:00:00Z",
 *       "priceDimensions": { "<rateCode>": { "unit": "Hrs", "beginRange": "0", "endRange": "Inf",
 *                                            "pricePerUnit": { "USD": "0.0960000000" }, … } } } },
 *              "Reserved": { … } },
 *   "publicationDate": "2026-07-20T18:12:03Z", "version": "20260720181203" }
 * ```
 * Only On-Demand terms are read; Reserved terms and Savings Plans are ignored.
 */

/** One On-Demand price dimension of a product. */
export interface OnDemandDimension {
  readonly rateCode: string;
  readonly unit: string;
  readonly usd: number;
  /** Tier start in `unit`s (0 for the first tier). */
  readonly beginRange: number;
  /** Tier end, Infinity for the last tier. */
  readonly endRange: number;
  readonly description: string;
  /** ISO date (YYYY-MM-DD) the term took effect. */
  readonly effectiveDate?: string;
}

export interface PriceListProduct {
  readonly sku: string;
  readonly serviceCode: string;
  readonly productFamily?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly onDemand: readonly OnDemandDimension[];
  /** ISO date of the price list publication. */
  readonly publicationDate?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function range(value: unknown, fallback: number): number {
  if (value === "Inf") return Infinity;
  const n = typeof value === "string" || typeof value === "number" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

function isoDate(value: unknown): string | undefined {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
}

/**
 * Parses one PriceList entry. Throws an Error saying what is malformed (`PriceList[3]: terms.OnDemand… has no USD
 * price`), so a change in the API's shape stops the refresh instead of writing wrong prices.
 */
export function parsePriceListItem(item: unknown, where: string): PriceListProduct {
  let data: unknown;
  if (typeof item === "string" || item instanceof String) {
    try {
      data = JSON.parse(String(item));
    } catch (error) {
      throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
    }
  } else if (isRecord(item)) {
    data = item; // tolerate an already-parsed document
  } else {
    throw new Error(`${where}: expected a JSON string, got ${typeof item}`);
  }
  if (!isRecord(data) || !isRecord(data.product)) throw new Error(`${where}: has no "product" object`);
  const product = data.product;
  const sku = product.sku;
  if (typeof sku !== "string" || sku === "") throw new Error(`${where}: product has no "sku"`);
  const attributes: Record<string, string> = {};
  if (isRecord(product.attributes)) {
    for (const [key, value] of Object.entries(product.attributes))
      if (typeof value === "string") attributes[key] = value;
  }
  const onDemand: OnDemandDimension[] = [];
  const terms = isRecord(data.terms) ? data.terms : {};
  const onDemandTerms = isRecord(terms.OnDemand) ? terms.OnDemand : {};
  for (const [termKey, term] of Object.entries(onDemandTerms)) {
    if (!isRecord(term) || !isRecord(term.priceDimensions)) {
      throw new Error(`${where}: terms.OnDemand.${termKey} has no priceDimensions`);
    }
    for (const [rateCode, dimension] of Object.entries(term.priceDimensions)) {
      const path = `terms.OnDemand.${termKey}.priceDimensions.${rateCode}`;
      if (!isRecord(dimension)) throw new Error(`${where}: ${path} is not an object`);
      const usdText = isRecord(dimension.pricePerUnit) ? dimension.pricePerUnit.USD : undefined;
      const usd = typeof usdText === "string" ? Number(usdText) : NaN;
      if (!Number.isFinite(usd) || usd < 0) {
        throw new Error(`${where}: ${path}.pricePerUnit.USD is ${JSON.stringify(usdText)}, not a USD amount`);
      }
      onDemand.push({
        rateCode,
        unit: typeof dimension.unit === "string" ? dimension.unit : "",
        usd,
        beginRange: range(dimension.beginRange, 0),
        endRange: range(dimension.endRange, Infinity),
        description: typeof dimension.description === "string" ? dimension.description : "",
        ...(isoDate(term.effectiveDate) ? { effectiveDate: isoDate(term.effectiveDate) } : {}),
      });
    }
  }
  return {
    sku,
    serviceCode: typeof data.serviceCode === "string" ? data.serviceCode : "",
    ...(typeof product.productFamily === "string" ? { productFamily: product.productFamily } : {}),
    attributes,
    onDemand,
    ...(isoDate(data.publicationDate) ? { publicationDate: isoDate(data.publicationDate) } : {}),
  };
}

/** The first-tier On-Demand dimension (beginRange 0), or undefined when the product has no On-Demand price. */
export function firstTier(product: PriceListProduct): OnDemandDimension | undefined {
  return [...product.onDemand].sort((a, b) => a.beginRange - b.beginRange)[0];
}
