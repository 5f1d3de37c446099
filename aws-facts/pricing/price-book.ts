/**
 * Loads the price files. The bundled files are JSON imports, so they resolve relative to this module (never to the
 * working directory) under ts-node, after `tsc` (which copies imported JSON next to the JS) and after a bundler such
 * as esbuild (which inlines them). An fs read with `__dirname` would break once the policy pack is bundled.
 */
import { readFileSync } from "node:fs";
import { parsePriceBook, type PriceBook } from "./schema";
import usEast1 from "./us-east-1.json";

/**
 * Price files shipped with the repository, by region. To add a region: run
 * `npm run pricing:refresh -- --region <region>` (writes `aws-facts/pricing/<region>.json`) and add one import
 * line here.
 */
const BUNDLED: Readonly<Record<string, unknown>> = {
  "us-east-1": usEast1,
};

const validated = new Map<string, PriceBook>();

/** Regions that have a bundled price file. */
export function bundledPriceRegions(): string[] {
  return Object.keys(BUNDLED).sort();
}

/**
 * The bundled price file for `region`, validated against the schema (once per process), or undefined when the
 * repository has no prices for that region. Throws only if a bundled file is malformed (a repository bug).
 */
export function getPriceBook(region: string): PriceBook | undefined {
  const cached = validated.get(region);
  if (cached) return cached;
  if (!Object.prototype.hasOwnProperty.call(BUNDLED, region)) return undefined;
  const book = parsePriceBook(BUNDLED[region], `${region}.json`);
  if (book.region !== region) {
    throw new Error(`invalid price file ${region}.json: region is "${book.region}", expected "${region}"`);
  }
  validated.set(region, book);
  return book;
}

/**
 * Reads and validates a price file from an explicit path (for example one written by
 * `npm run pricing:refresh -- --out prices.json`). The path is the caller's, so relative paths are relative to
 * the caller's working directory by design.
 */
export function loadPriceBookFile(path: string): PriceBook {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read price file ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`price file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parsePriceBook(data, path);
}
