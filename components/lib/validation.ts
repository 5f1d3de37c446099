/**
 * Argument validation shared by the components. Every component validates its arguments in full before it
 * registers anything (itself included), collects every problem rather than stopping at the first, and throws one
 * `pulumi.InputPropertiesError` whose message lists each property and the rule it breaks.
 *
 * The rules are pure functions of plain values so the stack-config layer (`program/stack-config.ts`) runs
 * the very same checks and reports them against config keys (`ml-platform:endpoint.minCapacity`).
 */
import { isIPv4, isIPv6 } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { parseInstanceType, type InstanceType } from "@ml-platform/aws-facts/instance-types";

/** One broken argument rule: the argument's property path and a sentence saying what is wrong and what is accepted. */
export interface ArgProblem {
  readonly propertyPath: string;
  readonly reason: string;
}

/** Collects problems for one set of arguments. */
export class ArgProblems {
  private readonly list: ArgProblem[] = [];

  add(propertyPath: string, reason: string): void {
    this.list.push({ propertyPath, reason });
  }

  /** Records a problem when `ok` is false. Returns `ok`, so callers can skip dependent checks. */
  check(ok: boolean, propertyPath: string, reason: string): boolean {
    if (!ok) this.add(propertyPath, reason);
    return ok;
  }

  get items(): readonly ArgProblem[] {
    return this.list;
  }
}

/** What a component's validator may be told besides the arguments. */
export interface ValidateOptions {
  /**
   * The component's name. Children's physical names derive from it, so it is checked against their services'
   * limits; without it those checks are skipped.
   */
  readonly name?: string;
  /**
   * Argument paths the caller checks itself in its own form (the stack config accepts a relative `modelDataUrl`) or
   * that are not configuration (the inference function's bundle on disk, `codeDirectory`).
   */
  readonly skip?: readonly string[];
}

/**
 * The one signature of every component's validator (`<component>.args.ts`): every problem with the arguments, all
 * at once, empty when they are valid. The constructor throws them before registering anything; the stack-config
 * layer reports them against config keys.
 */
export type ArgsValidator<TArgs> = (args: TArgs, options?: ValidateOptions) => readonly ArgProblem[];

/** Thrown by component constructors when arguments are invalid; nothing has been registered at that point. */
export function throwIfInvalid(componentType: string, name: string, problems: readonly ArgProblem[]): void {
  if (problems.length === 0) return;
  const lines = problems.map((v) => `  - ${v.propertyPath}: ${v.reason}`).join("\n");
  throw new pulumi.InputPropertiesError({
    message: `${componentType} "${name}" has invalid arguments:\n${lines}`,
    errors: problems.map((v) => ({ propertyPath: v.propertyPath, reason: v.reason })),
  });
}

/**
 * The plain value of an Input when it is already known at construction time, or undefined when it is an Output or
 * a Promise (those are validated by the resource provider instead, since the program can't see them yet).
 */
export function knownValue<T>(value: pulumi.Input<T> | undefined): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (pulumi.Output.isInstance(value)) return undefined;
  if (typeof (value as { then?: unknown }).then === "function") return undefined;
  return value as T;
}

/** True when the value is an integer in [min, max]. */
export function isIntegerIn(value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

export function describeRange(min: number, max?: number): string {
  return max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
}

/**
 * Checks an integer argument. `value` undefined is accepted (the caller applies the default) unless `required`.
 */
export function checkInteger(
  problems: ArgProblems,
  propertyPath: string,
  value: number | undefined,
  min: number,
  max?: number,
  unit = "",
): boolean {
  if (value === undefined) return true;
  return problems.check(
    isIntegerIn(value, min, max),
    propertyPath,
    `must be ${describeRange(min, max)}${unit ? ` (${unit})` : ""}; got ${JSON.stringify(value)}`,
  );
}

/** Parses an instance type, recording a problem when it is not one of the expected kind (SageMaker or EC2). */
export function checkInstanceType(
  problems: ArgProblems,
  propertyPath: string,
  raw: unknown,
  kind: "sagemaker" | "ec2",
): InstanceType | undefined {
  if (typeof raw !== "string") {
    problems.add(propertyPath, `must be an instance type string; got ${JSON.stringify(raw)}`);
    return undefined;
  }
  const parsed = parseInstanceType(raw);
  if (!parsed.ok) {
    problems.add(propertyPath, parsed.reason);
    return undefined;
  }
  if (kind === "sagemaker" && !parsed.value.sagemaker) {
    problems.add(
      propertyPath,
      `SageMaker instance types need the "ml." prefix: use "ml.${raw}" instead of "${raw}"`,
    );
    return undefined;
  }
  if (kind === "ec2" && parsed.value.sagemaker) {
    problems.add(
      propertyPath,
      `EC2 instance types have no "ml." prefix (that is SageMaker's): use "${parsed.value.name}" instead of "${raw}"`,
    );
    return undefined;
  }
  return parsed.value;
}

/** S3 key prefixes that IAM statements are scoped to: relative, ending in "/", no wildcards. */
const KEY_PREFIX_PATTERN = /^(?:[A-Za-z0-9!_.'()-]+\/)+$/;

/** Checks the data and artifact key prefixes (the notebook and the training host scope their roles to them). */
export function checkKeyPrefixes(
  problems: ArgProblems,
  args: { readonly dataPrefix?: string; readonly artifactPrefix?: string },
): void {
  for (const key of ["dataPrefix", "artifactPrefix"] as const) {
    const prefix = args[key];
    if (prefix !== undefined) {
      problems.check(
        KEY_PREFIX_PATTERN.test(prefix),
        key,
        `"${prefix}" must be a relative S3 key prefix ending in "/"`,
      );
    }
  }
}

const EC2_ID_KINDS = {
  subnet: "a subnet id (subnet-…)",
  sg: "a security group id (sg-…)",
  vpc: "a VPC id (vpc-…)",
} as const;

/** Checks an EC2 resource id (`subnet-`, `sg-` or `vpc-` and 8 or 17 hex digits) when it is known now. */
export function checkEc2Id(
  problems: ArgProblems,
  propertyPath: string,
  value: pulumi.Input<string> | undefined,
  kind: keyof typeof EC2_ID_KINDS,
): void {
  const id = knownValue(value);
  if (id === undefined) return;
  problems.check(
    new RegExp(`^${kind}-[0-9a-f]{8,17}$`).test(id),
    propertyPath,
    `"${id}" is not ${EC2_ID_KINDS[kind]}`,
  );
}

export type CidrCheck =
  | { readonly ok: true; readonly version: 4 | 6; readonly prefixLength: number }
  | { readonly ok: false; readonly reason: string };

/** Smallest prefix accepted for SSH sources: anything wider is "the internet" in all but name. */
export const MIN_SSH_PREFIX = { 4: 8, 6: 16 } as const;

function ipv4ToBigInt(address: string): bigint {
  return address.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  // Expand "::" and an embedded IPv4 tail into eight 16-bit groups.
  let text = address;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const v4 = ipv4ToBigInt(v4Tail[1]!);
    text = text.slice(0, -v4Tail[1]!.length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join(".");
}

/** RFC 5952 text: lower-case hex groups, the longest run of two or more zero groups as "::". */
function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/** What differs between the two address families; the rules are the same. */
const IP_FAMILIES = [
  { version: 4, label: "IPv4", bits: 32, isAddress: isIPv4, toBigInt: ipv4ToBigInt, format: formatIpv4 },
  { version: 6, label: "IPv6", bits: 128, isAddress: isIPv6, toBigInt: ipv6ToBigInt, format: formatIpv6 },
] as const;

/**
 * Validates a CIDR block the way the EC2 security-group rule API does (network address, prefix in range) and
 * rejects the whole internet (`0.0.0.0/0`, `::/0`) and anything nearly as wide (shorter than /8 or /16), since
 * `0.0.0.0/1` + `128.0.0.0/1` is the classic way to sneak a world-open rule past a check for `/0`.
 */
export function checkSshCidr(cidr: unknown): CidrCheck {
  if (typeof cidr !== "string")
    return { ok: false, reason: `must be a CIDR string; got ${JSON.stringify(cidr)}` };
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr);
  if (!match) return { ok: false, reason: `"${cidr}" is not a CIDR block (expected e.g. 203.0.113.0/24)` };
  const [, address, prefixText] = match as unknown as [string, string, string];
  const prefixLength = Number(prefixText);
  const family = IP_FAMILIES.find((f) => f.isAddress(address));
  if (!family) {
    return {
      ok: false,
      reason: `"${cidr}" is not a CIDR block: "${address}" is not an IPv4 or IPv6 address`,
    };
  }
  const { version, label, bits } = family;
  if (prefixLength > bits) return { ok: false, reason: `"${cidr}": an ${label} prefix length is 0-${bits}` };
  if (prefixLength === 0) {
    return {
      ok: false,
      reason: `"${cidr}" opens SSH to the whole ${label} internet; name your office or VPN range`,
    };
  }
  const value = family.toBigInt(address);
  const hostBits = BigInt(bits - prefixLength);
  const network = (value >> hostBits) << hostBits;
  if (network !== value) {
    return {
      ok: false,
      reason: `"${cidr}" has host bits set; the network address is ${family.format(network)}/${prefixLength}`,
    };
  }
  const minPrefix = MIN_SSH_PREFIX[version];
  if (prefixLength < minPrefix) {
    return {
      ok: false,
      reason: `"${cidr}" is wider than /${minPrefix}, which is as good as the whole internet for SSH`,
    };
  }
  return { ok: true, version, prefixLength };
}

/** Pulumi's auto-name suffix: `-` and 7 random hex characters. */
export const AUTO_NAME_SUFFIX_LENGTH = 8;
/** IAM's limit for role names; the AWS provider refuses an auto-name longer than this. */
export const IAM_ROLE_NAME_MAX_LENGTH = 64;

/**
 * Checks a component name that children's SageMaker names derive from: Pulumi auto-names a child `<name>-<7 hex>`
 * (or `<name>-<suffix>-<7 hex>`), and SageMaker allows letters, digits and hyphens, at most 63 characters.
 */
export function checkSageMakerBaseName(problems: ArgProblems, name: string, longestSuffix: number): void {
  const max = 63 - longestSuffix - AUTO_NAME_SUFFIX_LENGTH;
  problems.check(
    /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(name) && name.length <= max,
    "name",
    `"${name}" can't prefix SageMaker names: use letters, digits and hyphens, at most ${max} characters ` +
      `(child names add "${longestSuffix ? "-<suffix>" : ""}-<7 hex>" within SageMaker's 63)`,
  );
}

/**
 * Checks a component name that an auto-named IAM role derives from (`<name><roleSuffix>-<7 hex>`): the provider
 * refuses to auto-name a role beyond IAM's 64 characters, and IAM allows letters, digits and `+=,.@_-`.
 */
export function checkIamRoleBaseName(problems: ArgProblems, name: string, roleSuffix: string): void {
  const max = IAM_ROLE_NAME_MAX_LENGTH - roleSuffix.length - AUTO_NAME_SUFFIX_LENGTH;
  problems.check(
    /^[\w+=,.@-]+$/.test(name) && name.length <= max,
    "name",
    `"${name}" can't prefix IAM role names: use letters, digits and +=,.@_-, at most ${max} characters ` +
      `(the role is auto-named "<name>${roleSuffix}-<7 hex>" within IAM's ${IAM_ROLE_NAME_MAX_LENGTH})`,
  );
}

/** Tags are limited to 50 per resource, keys to 128 and values to 256 characters. */
export function checkTags(problems: ArgProblems, tags: Record<string, string> | undefined): void {
  if (tags === undefined) return;
  const entries = Object.entries(tags);
  problems.check(
    entries.length <= 40,
    "tags",
    "at most 40 tags (AWS allows 50; the components add their own)",
  );
  for (const [key, value] of entries) {
    problems.check(key.length >= 1 && key.length <= 128, `tags.${key}`, "tag keys are 1-128 characters");
    problems.check(!key.toLowerCase().startsWith("aws:"), `tags.${key}`, 'the "aws:" prefix is reserved');
    problems.check(
      typeof value === "string" && value.length <= 256,
      `tags.${key}`,
      "tag values are 0-256 chars",
    );
  }
}
