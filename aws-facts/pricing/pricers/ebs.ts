/**
 * EBS volumes by type (https://aws.amazon.com/ebs/pricing/): provisioned storage per GB-month for every type, and
 * provisioned performance where AWS bills it: IOPS for io1 and io2 (io2 in tiers), IOPS and throughput above the
 * included baseline for gp3. Volumes bill for the whole month whether or not an instance uses them. Used for
 * standalone volumes and for the volumes of instances, launch templates and Auto Scaling groups.
 */
import { isUnknown, num, str } from "../graph";
import type { Range } from "../lines";
import { fmt, type ResourcePricing } from "../pricer";
import type { PriceBook, PriceEntry } from "../schema";

/**
 * Performance every gp3 volume includes at no charge: 3,000 IOPS and 125 MiB/s
 * (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html#gp3-ebs-volume-type).
 */
export const GP3_INCLUDED_IOPS = 3000;
export const GP3_INCLUDED_THROUGHPUT_MIBPS = 125;

type EbsPrices = PriceBook["ebs"];

/** The storage price of each volume type the provider accepts. */
const STORAGE_PRICE: Readonly<Record<string, keyof EbsPrices>> = {
  gp3: "gp3GbMonth",
  gp2: "gp2GbMonth",
  io1: "io1GbMonth",
  io2: "io2GbMonth",
  st1: "st1GbMonth",
  sc1: "sc1GbMonth",
  standard: "standardGbMonth",
};

/** A volume's settings as the provider names them on `ebs.Volume` (`type`, `size`) or block devices. */
export interface EbsVolumeSpec {
  readonly volumeType?: unknown;
  readonly volumeSize?: unknown;
  readonly iops?: unknown;
  readonly throughput?: unknown;
}

export interface EbsVolumeOptions {
  /** The volume type AWS uses when none is set, and the clause that says so in the basis. */
  readonly defaultType: string;
  readonly defaultTypeNote: string;
  /** When the volume bills, e.g. "whether the instance runs or is stopped". */
  readonly billedWhile: string;
  /** Why a missing size is unknown, e.g. the AMI's snapshot size applies. */
  readonly sizeUnsetReason: string;
  /** Number of such volumes (one per instance of an Auto Scaling group); default exactly 1. */
  readonly count?: Range;
}

const countText = (count: Range | undefined) =>
  count === undefined
    ? ""
    : ` × ${count.min === count.max ? fmt(count.min) : `${fmt(count.min)}–${fmt(count.max)}`} instances`;

const times = (quantity: number, count: Range | undefined): Range => ({
  min: quantity * (count?.min ?? 1),
  max: quantity * (count?.max ?? 1),
});

/** Adds the lines of one volume: storage, then provisioned IOPS and throughput where they are billed. */
export function priceEbsVolume(
  r: ResourcePricing,
  what: string,
  spec: EbsVolumeSpec,
  options: EbsVolumeOptions,
): void {
  const { book } = r;
  const setType = str(spec.volumeType);
  const volumeType = setType ?? options.defaultType;
  const label = `${what} (${volumeType})`;
  if (!book) return r.noRegion(label, "GB-month");
  const size = num(spec.volumeSize);
  if (size === undefined) return r.unknown(label, "GB-month", options.sizeUnsetReason);
  const key = Object.prototype.hasOwnProperty.call(STORAGE_PRICE, volumeType)
    ? STORAGE_PRICE[volumeType]
    : undefined;
  if (key === undefined)
    return r.unknown(
      label,
      "GB-month",
      `unknown price: ${volumeType} is not an EBS volume type the price file covers (${Object.keys(STORAGE_PRICE).join(", ")})`,
    );
  const storage = book.ebs[key] as PriceEntry | undefined;
  if (!storage) return r.missingPrice(label, "GB-month", `EBS ${volumeType} price`);
  r.priced(
    label,
    times(size, options.count),
    storage,
    `${fmt(size)} GB${countText(options.count)} for the whole month, ${options.billedWhile}` +
      (setType === undefined ? `; ${options.defaultTypeNote}` : "") +
      (volumeType === "standard" ? "; I/O requests billed per million, not included" : ""),
  );
  if (volumeType === "io1") provisionedIops(r, label, spec.iops, 0, [book.ebs.io1IopsMonth], options.count);
  if (volumeType === "io2")
    provisionedIops(r, label, spec.iops, 0, book.ebs.io2IopsMonthTiers ?? [undefined], options.count);
  if (volumeType === "gp3") {
    provisionedIops(r, label, spec.iops, GP3_INCLUDED_IOPS, [book.ebs.gp3IopsMonth], options.count);
    gp3Throughput(r, label, spec.throughput, book.ebs.gp3ThroughputMibpsMonth, options.count);
  }
}

/**
 * Provisioned IOPS above `included`, one line per price tier. `iops` unset means the baseline for gp3 (no line)
 * and a missing required value for io1/io2 (an unknown line: AWS rejects such a volume, so nothing is assumed).
 */
function provisionedIops(
  r: ResourcePricing,
  label: string,
  iopsValue: unknown,
  included: number,
  tiers: readonly ((PriceEntry & { upTo?: number }) | undefined)[],
  count: Range | undefined,
): void {
  const description = `${label} provisioned IOPS`;
  const iops = num(iopsValue);
  if (isUnknown(iopsValue))
    return r.unknown(description, "IOPS-month", "unknown quantity: iops is not known until apply");
  if (iops === undefined) {
    if (included > 0) return; // the included baseline
    return r.unknown(
      description,
      "IOPS-month",
      "unknown quantity: iops is not set (io1 and io2 volumes require it)",
    );
  }
  const billed = Math.max(0, iops - included);
  if (billed === 0) return;
  let from = 0;
  for (const tier of tiers) {
    if (!tier) return r.missingPrice(description, "IOPS-month", "price for these IOPS");
    const to = tier.upTo ?? Infinity;
    const inTier = Math.max(0, Math.min(billed, to) - from);
    if (inTier > 0) {
      const range = tiers.length > 1 ? ` (${fmt(from + 1)}${to === Infinity ? "+" : `–${fmt(to)}`})` : "";
      r.priced(
        `${description}${range}`,
        times(inTier, count),
        tier,
        `${fmt(inTier)} IOPS${included > 0 ? ` above the ${fmt(included)} included` : ""}${range ? ` in this tier` : ""}${countText(count)}, billed whether used or not`,
      );
    }
    from = to;
    if (billed <= to) break;
  }
}

function gp3Throughput(
  r: ResourcePricing,
  label: string,
  throughputValue: unknown,
  price: PriceEntry | undefined,
  count: Range | undefined,
): void {
  const description = `${label} provisioned throughput`;
  if (isUnknown(throughputValue))
    return r.unknown(description, "MiB/s-month", "unknown quantity: throughput is not known until apply");
  const throughput = num(throughputValue);
  if (throughput === undefined || throughput <= GP3_INCLUDED_THROUGHPUT_MIBPS) return;
  const billed = throughput - GP3_INCLUDED_THROUGHPUT_MIBPS;
  if (!price) return r.missingPrice(description, "MiB/s-month", "gp3 throughput price");
  r.priced(
    description,
    times(billed, count),
    price,
    `${fmt(billed)} MiB/s above the ${GP3_INCLUDED_THROUGHPUT_MIBPS} included${countText(count)}, billed whether used or not`,
  );
}

/** A standalone `aws.ebs.Volume` (`type` defaults to gp2 in the provider). */
export function priceStandaloneVolume(r: ResourcePricing): void {
  const { props } = r.node;
  priceEbsVolume(
    r,
    "EBS volume",
    { volumeType: props.type, volumeSize: props.size, iops: props.iops, throughput: props.throughput },
    {
      defaultType: "gp2",
      defaultTypeNote: "type not set, so the provider's default gp2 applies",
      billedWhile: "attached or not",
      sizeUnsetReason: "unknown quantity: size not set, so the snapshot's size applies and is unknown here",
    },
  );
}
