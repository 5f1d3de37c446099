/**
 * Argument validation shared by the components. Every component validates its arguments in full before it
 * registers anything (itself included), collects every violation rather than stopping at the first, and throws one
 * `pulumi.InputPropertiesError` whose message lists each property and the rule it breaks.
 *
 * The rules are pure functions of plain values so the stack-config layer (`components/lib/stack-config.ts`) runs
 * the very same checks and reports them against config keys (`ml-platform:endpoint.minCapacity`).
 */
import { isIPv4, isIPv6 } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { parseInstanceType, type InstanceType } from "./instance-types";

/** One violated rule: the argument's property path and a sentence saying what is wrong and what is accepted. */
export interface Violation {
  readonly propertyPath: string;
  readonly reason: string;
}

/** Collects violations for one set of arguments. */
export class Violations {
  private readonly list: Violation[] = [];

  add(propertyPath: string, reason: string): void {
    this.list.push({ propertyPath, reason });
  }

  /** Records a violation when `ok` is false. Returns `ok`, so callers can skip dependent checks. */
  check(ok: boolean, propertyPath: string, reason: string): boolean {
    if (!ok) this.add(propertyPath, reason);
    return ok;
  }

  get items(): readonly Violation[] {
    return this.list;
  }
}

/** Thrown by component constructors when arguments are invalid; nothing has been registered at that point. */
export function throwIfInvalid(componentType: string, name: string, violations: readonly Violation[]): void {
  if (violations.length === 0) return;
  const lines = violations.map((v) => `  - ${v.propertyPath}: ${v.reason}`).join("\n");
  throw new pulumi.InputPropertiesError({
    message: `${componentType} "${name}" has invalid arguments:\n${lines}`,
    errors: violations.map((v) => ({ propertyPath: v.propertyPath, reason: v.reason })),
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
  violations: Violations,
  propertyPath: string,
  value: number | undefined,
  min: number,
  max?: number,
  unit = "",
): boolean {
  if (value === undefined) return true;
  return violations.check(
    isIntegerIn(value, min, max),
    propertyPath,
    `must be ${describeRange(min, max)}${unit ? ` (${unit})` : ""}; got ${JSON.stringify(value)}`,
  );
}

/** Parses an instance type, recording a violation when it is not one of the expected kind (SageMaker or EC2). */
export function checkInstanceType(
  violations: Violations,
  propertyPath: string,
  raw: unknown,
  kind: "sagemaker" | "ec2",
): InstanceType | undefined {
  if (typeof raw !== "string") {
    violations.add(propertyPath, `must be an instance type string; got ${JSON.stringify(raw)}`);
    return undefined;
  }
  const parsed = parseInstanceType(raw);
  if (!parsed.ok) {
    violations.add(propertyPath, parsed.reason);
    return undefined;
  }
  if (kind === "sagemaker" && !parsed.value.sagemaker) {
    violations.add(
      propertyPath,
      `SageMaker instance types need the "ml." prefix: use "ml.${raw}" instead of "${raw}"`,
    );
    return undefined;
  }
  if (kind === "ec2" && parsed.value.sagemaker) {
    violations.add(
      propertyPath,
      `EC2 instance types have no "ml." prefix (that is SageMaker's): use "${parsed.value.name}" instead of "${raw}"`,
    );
    return undefined;
  }
  return parsed.value;
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
  if (isIPv4(address)) {
    if (prefixLength > 32) return { ok: false, reason: `"${cidr}": an IPv4 prefix length is 0-32` };
    if (prefixLength === 0) {
      return {
        ok: false,
        reason: `"${cidr}" opens SSH to the whole IPv4 internet; name your office or VPN range`,
      };
    }
    const value = ipv4ToBigInt(address);
    const hostBits = 32n - BigInt(prefixLength);
    const network = (value >> hostBits) << hostBits;
    if (network !== value) {
      return {
        ok: false,
        reason: `"${cidr}" has host bits set; the network address is ${formatIpv4(network)}/${prefixLength}`,
      };
    }
    if (prefixLength < MIN_SSH_PREFIX[4]) {
      return {
        ok: false,
        reason: `"${cidr}" is wider than /${MIN_SSH_PREFIX[4]}, which is as good as the whole internet for SSH`,
      };
    }
    return { ok: true, version: 4, prefixLength };
  }
  if (isIPv6(address)) {
    if (prefixLength > 128) return { ok: false, reason: `"${cidr}": an IPv6 prefix length is 0-128` };
    if (prefixLength === 0) {
      return {
        ok: false,
        reason: `"${cidr}" opens SSH to the whole IPv6 internet; name your office or VPN range`,
      };
    }
    const value = ipv6ToBigInt(address);
    const hostBits = 128n - BigInt(prefixLength);
    if ((value >> hostBits) << hostBits !== value) {
      return {
        ok: false,
        reason: `"${cidr}" has host bits set; use the network address of the /${prefixLength}`,
      };
    }
    if (prefixLength < MIN_SSH_PREFIX[6]) {
      return {
        ok: false,
        reason: `"${cidr}" is wider than /${MIN_SSH_PREFIX[6]}, which is as good as the whole internet for SSH`,
      };
    }
    return { ok: true, version: 6, prefixLength };
  }
  return { ok: false, reason: `"${cidr}" is not a CIDR block: "${address}" is not an IPv4 or IPv6 address` };
}

/**
 * Checks a component name that children's SageMaker names derive from: Pulumi auto-names a child `<name>-<7 hex>`
 * (or `<name>-<suffix>-<7 hex>`), and SageMaker allows letters, digits and hyphens, at most 63 characters.
 */
export function checkSageMakerBaseName(violations: Violations, name: string, longestSuffix: number): void {
  const max = 63 - longestSuffix - 8;
  violations.check(
    /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(name) && name.length <= max,
    "name",
    `"${name}" can't prefix SageMaker names: use letters, digits and hyphens, at most ${max} characters ` +
      `(child names add "${longestSuffix ? "-<suffix>" : ""}-<7 hex>" within SageMaker's 63)`,
  );
}

/** Tags are limited to 50 per resource, keys to 128 and values to 256 characters. */
export function checkTags(violations: Violations, tags: Record<string, string> | undefined): void {
  if (tags === undefined) return;
  const entries = Object.entries(tags);
  violations.check(
    entries.length <= 40,
    "tags",
    "at most 40 tags (AWS allows 50; the components add their own)",
  );
  for (const [key, value] of entries) {
    violations.check(key.length >= 1 && key.length <= 128, `tags.${key}`, "tag keys are 1-128 characters");
    violations.check(!key.toLowerCase().startsWith("aws:"), `tags.${key}`, 'the "aws:" prefix is reserved');
    violations.check(
      typeof value === "string" && value.length <= 256,
      `tags.${key}`,
      "tag values are 0-256 chars",
    );
  }
}
