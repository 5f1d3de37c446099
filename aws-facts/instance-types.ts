/**
 * The one instance-type parser, shared by the components (argument validation) and the policy pack (size caps,
 * family rules), so the program and its guardrails always agree on what a type string means.
 *
 * Grammar, after an optional `ml.` prefix (SageMaker): `<class>.<size>` where
 *   class = family letters, generation digits, attribute letters (and an optional `-flex` style suffix):
 *           m5, m5d, c6gn, g4dn, p4de, inf2, trn1n, dl1, r7iz, m7i-flex, u7i-12tb (high-memory)
 *   size  = nano | micro | small | medium | large | <N>xlarge | xlarge | metal | metal-<N>xl
 */

/** Kind of accelerator a family carries; undefined for CPU-only families. */
export type AcceleratorKind = "gpu" | "inferentia" | "trainium" | "gaudi" | "fpga" | "video";

export interface InstanceType {
  /** The string as given, e.g. `ml.g5.2xlarge`. */
  readonly raw: string;
  /** True when the `ml.` prefix was present (a SageMaker instance type). */
  readonly sagemaker: boolean;
  /** The type without the `ml.` prefix, e.g. `g5.2xlarge`. */
  readonly name: string;
  /** Family, generation and attributes without the size, e.g. `g4dn`. */
  readonly instanceClass: string;
  /** Family letters, e.g. `m`, `g`, `inf`, `trn`, `dl`, `p`, `t`. */
  readonly family: string;
  /** Generation number, e.g. 5 for `m5`. */
  readonly generation: number;
  /** Attribute letters after the generation, e.g. `dn` for `g4dn`, `` for `m5`. */
  readonly attributes: string;
  /** Size token, e.g. `2xlarge` or `metal`. */
  readonly size: string;
  /**
   * Numeric size, comparable across sizes: large = 1, xlarge = 2, Nxlarge = 2N, medium = 0.5, small = 0.25,
   * micro = 0.125, nano = 0.0625; `metal` ranks above every virtualised size (`metal-48xl` as 96, bare `metal` as
   * the largest possible).
   */
  readonly sizeRank: number;
  /** True for burstable (T family) types, which accrue and spend CPU credits. */
  readonly burstable: boolean;
  /** The accelerator kind, when the family carries one. */
  readonly accelerator?: AcceleratorKind;
}

export type InstanceTypeParseResult =
  { readonly ok: true; readonly value: InstanceType } | { readonly ok: false; readonly reason: string };

/** Accelerated families. `gr` (g6 high-memory) is a GPU family; `vt` is video transcoding. */
const ACCELERATOR_FAMILIES: Readonly<Record<string, AcceleratorKind>> = {
  p: "gpu",
  g: "gpu",
  gr: "gpu",
  inf: "inferentia",
  trn: "trainium",
  dl: "gaudi",
  f: "fpga",
  vt: "video",
};

const FIXED_SIZES: Readonly<Record<string, number>> = {
  nano: 0.0625,
  micro: 0.125,
  small: 0.25,
  medium: 0.5,
  large: 1,
  xlarge: 2,
};

/** Rank of bare `metal`: above any virtualised size that exists (the largest is 112xlarge = 224). */
const METAL_RANK = 1_000;

const CLASS_PATTERN = /^(?<family>[a-z]+)(?<generation>\d+)(?<attributes>[a-z]*(?:-[a-z0-9]+)?)$/;
/**
 * The first high-memory generation spells its memory before the generation: `u-6tb1`, `u-12tb1` (memory in TiB,
 * generation 1), https://docs.aws.amazon.com/ec2/latest/instancetypes/mo.html; later ones follow the usual
 * grammar (`u7i-12tb`, `u7inh-32tb`).
 */
const HIGH_MEMORY_CLASS_PATTERN = /^(?<family>u)-(?<attributes>\d+tb)(?<generation>\d+)$/;
const SIZE_MULTIPLE_PATTERN = /^(?<multiple>\d+)xlarge$/;
const METAL_SIZE_PATTERN = /^metal(?:-(?<multiple>\d+)xl)?$/;

/**
 * Rank of a size token (see {@link InstanceType.sizeRank}); undefined when the token is not a size.
 * Accepts the size alone (`2xlarge`), which is how policy config names a cap.
 */
export function sizeRankOf(size: string): number | undefined {
  const fixed = FIXED_SIZES[size];
  if (fixed !== undefined) return fixed;
  const multiple = SIZE_MULTIPLE_PATTERN.exec(size)?.groups?.multiple;
  if (multiple !== undefined) {
    const n = Number(multiple);
    return n >= 2 ? n * 2 : undefined; // "1xlarge" is not a real size; xlarge is.
  }
  const metal = METAL_SIZE_PATTERN.exec(size);
  if (metal) {
    const m = metal.groups?.multiple;
    return m === undefined ? METAL_RANK : Number(m) * 2;
  }
  return undefined;
}

/** Compares two size tokens by rank: negative when `a` is smaller. Unknown sizes throw, since guessing is unsafe. */
export function compareSize(a: string, b: string): number {
  const rankA = sizeRankOf(a);
  const rankB = sizeRankOf(b);
  if (rankA === undefined)
    throw new Error(`"${a}" is not an instance size (e.g. large, xlarge, 2xlarge, metal)`);
  if (rankB === undefined)
    throw new Error(`"${b}" is not an instance size (e.g. large, xlarge, 2xlarge, metal)`);
  return rankA - rankB;
}

/** Parses an EC2 (`m5.large`) or SageMaker (`ml.m5.large`) instance type. Never throws. */
export function parseInstanceType(raw: string): InstanceTypeParseResult {
  if (typeof raw !== "string") return { ok: false, reason: "an instance type must be a string" };
  if (raw !== raw.trim() || raw === "") {
    return {
      ok: false,
      reason: `"${raw}" cannot be parsed as an instance type: it is empty or has surrounding whitespace`,
    };
  }
  const sagemaker = raw.startsWith("ml.");
  const name = sagemaker ? raw.slice(3) : raw;
  const parts = name.split(".");
  if (parts.length !== 2) {
    return {
      ok: false,
      reason: `"${raw}" cannot be parsed as an instance type: expected <class>.<size> such as m5.large${sagemaker ? "" : " or ml.m5.large"}`,
    };
  }
  const [instanceClass, size] = parts as [string, string];
  const classMatch = CLASS_PATTERN.exec(instanceClass) ?? HIGH_MEMORY_CLASS_PATTERN.exec(instanceClass);
  if (!classMatch?.groups) {
    return {
      ok: false,
      reason: `"${raw}" cannot be parsed as an instance type: "${instanceClass}" is not spelt as a family and generation such as m5, g4dn, inf2 or u-6tb1`,
    };
  }
  const sizeRank = sizeRankOf(size);
  if (sizeRank === undefined) {
    return {
      ok: false,
      reason: `"${raw}" cannot be parsed as an instance type: "${size}" is not spelt as a size (nano … large, xlarge, 2xlarge … 480xlarge, metal, metal-24xl)`,
    };
  }
  const family = classMatch.groups.family!;
  const accelerator = ACCELERATOR_FAMILIES[family];
  return {
    ok: true,
    value: {
      raw,
      sagemaker,
      name,
      instanceClass,
      family,
      generation: Number(classMatch.groups.generation),
      attributes: classMatch.groups.attributes ?? "",
      size,
      sizeRank,
      burstable: family === "t",
      ...(accelerator ? { accelerator } : {}),
    },
  };
}

/**
 * Instance classes whose every size has local instance storage (NVMe SSD, or HDD for d3 and h1) although their name
 * carries no `d` attribute.
 *
 * Sources:
 * - SageMaker hosting, "Instance storage volumes":
 *   https://docs.aws.amazon.com/sagemaker/latest/dg/host-instance-storage.html (ml.g5, ml.g6, ml.g6e, ml.gr6,
 *   ml.p5, ml.p5e, ml.p5en, ml.trn1, ml.trn1n, ml.trn2, ml.dl1, besides the `d` types such as ml.m5d, ml.c6id,
 *   ml.g4dn, ml.p4d).
 * - EC2 instance store specifications: https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html#ac_instance-store
 *   (accelerated computing) and https://docs.aws.amazon.com/ec2/latest/instancetypes/so.html#so_instance-store
 *   (storage optimized: i3, i3en, i4i, i4g, im4gn, is4gen, d3, d3en, h1, ...).
 * - The `d` attribute means instance store volumes:
 *   https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
 */
export const LOCAL_STORAGE_CLASSES_WITHOUT_D: ReadonlySet<string> = new Set([
  // Accelerated computing.
  "g5",
  "g6",
  "g6e",
  "gr6",
  "p5",
  "p5e",
  "p5en",
  "trn1",
  "trn1n",
  "trn2",
  "dl1",
  "f1",
  "f2",
  // Storage optimized.
  "i3",
  "i3en",
  "i4g",
  "i4i",
  "i7ie",
  "i8g",
  "im4gn",
  "is4gen",
  "d3",
  "d3en",
  "h1",
]);

/**
 * Whether the type has local instance storage (`ml.` prefix or not). SageMaker then encrypts that storage in
 * hardware and refuses a KMS key for it: "If you specify a value for KmsKeyId when using any nitro-based instances
 * with local storage, the call to CreateEndpointConfig fails"
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html). The one place that
 * decides it, for the endpoint component and the policy pack. An unparsable type has none (the caller rejects it).
 */
export function hasLocalInstanceStorage(type: string | InstanceType): boolean {
  let parsed: InstanceType;
  if (typeof type === "string") {
    const result = parseInstanceType(type);
    if (!result.ok) return false;
    parsed = result.value;
  } else parsed = type;
  // `d` among the attribute letters (m5d, c6id, g4dn, p4de, m7gd), never in a `-suffix` such as `-flex`.
  const letters = parsed.attributes.split("-")[0] ?? "";
  return letters.includes("d") || LOCAL_STORAGE_CLASSES_WITHOUT_D.has(parsed.instanceClass);
}
