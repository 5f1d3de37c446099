/**
 * What every pricer shares: the stack being estimated, and a per-resource context that resolves the resource's
 * region and price file and writes its cost lines (priced, or "unknown" with a reason: never a silent zero).
 */
import { parseInstanceType } from "../instance-types";
import type { CostAssumptions } from "./assumptions";
import { isUnknown, str, type GraphNode } from "./graph";
import type { CostLine, Range } from "./lines";
import { bundledPriceRegions, getPriceBook } from "./price-book";
import type { PriceBook, PriceEntry } from "./schema";

/** A number as the basis texts print it: thousands separators for integers, at most 4 decimals otherwise. */
export const fmt = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString("en-US") : String(Number(n.toFixed(4)));

/** `1 request`, `2 requests`. */
export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${fmt(n)} ${n === 1 ? one : many}`;

/** The stack under estimation, shared by every pricer. */
export class StackEstimation {
  readonly lines: CostLine[] = [];
  /** Scalable targets already attributed to an endpoint variant: each counts for one variant only. */
  readonly usedTargets = new Set<string>();
  private readonly usedBooks = new Map<string, PriceBook>();

  constructor(
    readonly nodes: readonly GraphNode[],
    readonly assumptions: CostAssumptions,
    private readonly defaultRegion: string,
    private readonly regionDefaulted: boolean,
    private readonly books: Readonly<Record<string, PriceBook>>,
  ) {}

  /** Nodes of one type token. */
  ofType(type: string): GraphNode[] {
    return this.nodes.filter((n) => n.type === type);
  }

  /** The pricing context of `node`: its own region, else its provider's, else the stack's. */
  contextFor(node: GraphNode): ResourcePricing {
    const own = str(node.props.region);
    const region = own ?? node.providerRegion ?? this.defaultRegion;
    const book = this.books[region] ?? getPriceBook(region);
    if (book) this.usedBooks.set(region, book);
    return new ResourcePricing(
      this,
      node,
      region,
      book,
      own === undefined && node.providerRegion === undefined && this.regionDefaulted,
    );
  }

  /** Regions with a price file: the caller's and the bundled ones. */
  knownRegions(): string[] {
    return [...new Set([...Object.keys(this.books), ...bundledPriceRegions()])].sort();
  }

  /** The price files used so far. */
  get priceFiles(): { region: string; generatedAt: string; generatedBy: string }[] {
    return [...this.usedBooks.values()].map((b) => ({
      region: b.region,
      generatedAt: b.generatedAt,
      generatedBy: b.generatedBy,
    }));
  }
}

/** One resource being priced: its region and price file, and the methods that add its lines. */
export class ResourcePricing {
  constructor(
    readonly stack: StackEstimation,
    readonly node: GraphNode,
    readonly region: string,
    readonly book: PriceBook | undefined,
    readonly regionDefaulted: boolean,
  ) {}

  get assumptions(): CostAssumptions {
    return this.stack.assumptions;
  }

  /** Adds a line without a price (or quantity), with the reason. */
  unknown(description: string, unit: string, reason: string, basis = ""): void {
    this.stack.lines.push({
      urn: this.node.urn,
      name: this.node.name,
      type: this.node.type,
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

  /** Adds an unknown line because the resource's region has no price file. */
  noRegion(description: string, unit: string): void {
    this.unknown(
      description,
      unit,
      `unknown price: no price file for region ${this.region}${this.regionDefaulted ? " (defaulted; pass the stack's region)" : ""} ` +
        `(price files exist for ${this.stack.knownRegions().join(", ")}); run npm run pricing:refresh -- --region ${this.region}`,
    );
  }

  /** Adds an unknown line because the region's price file has no `what` ("SageMaker ML storage price", …). */
  missingPrice(description: string, unit: string, what: string, basis = ""): void {
    this.unknown(description, unit, `unknown price: the ${this.region} price file has no ${what}`, basis);
  }

  /** Adds a priced line; `unitPrice` defaults to the entry's price. */
  priced(
    description: string,
    quantity: Range,
    entry: PriceEntry,
    basis: string,
    unitPrice: Range = { min: entry.usd, max: entry.usd },
  ): void {
    this.stack.lines.push({
      urn: this.node.urn,
      name: this.node.name,
      type: this.node.type,
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

  /** A line whose price is one entry of the book (KMS, S3, logs …); `what` names the price when it is missing. */
  priceFixed(
    description: string,
    quantity: Range,
    entry: PriceEntry | undefined,
    basis: string,
    what: string,
    unit: string,
  ): void {
    if (!this.book) return this.noRegion(description, unit);
    if (!entry) return this.missingPrice(description, unit, `${what} price`, basis);
    this.priced(description, quantity, entry, basis);
  }

  /** Looks an instance type up in a price table, with a reason when absent. */
  instancePrice(
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
    const unpriced = this.book?.sagemaker.unpriced?.[type];
    return {
      reason: `unknown price: no ${this.region} ${what} price for ${type}${unpriced ? ` (${unpriced})` : ""}; add it with npm run pricing:refresh`,
    };
  }
}

/** Prices one resource of the types it is registered for, adding its lines through the context. */
export type Pricer = (resource: ResourcePricing) => void;
