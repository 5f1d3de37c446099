// Environment parsing for the inference function. Pure: it reads only the record it is given, so tests can
// drive it directly, and the handler caches the result per distinct set of raw values (once per cold start in
// Lambda, where the environment never changes).
import { domainToASCII } from "node:url";

/** SageMaker's rule for endpoint names (CreateEndpoint/InvokeEndpoint `EndpointName`). */
export const ENDPOINT_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Default overall deadline for one invocation of the endpoint. */
export const DEFAULT_INVOKE_TIMEOUT_MS = 10_000;
/** SageMaker real-time endpoints give the container 60 s; a longer deadline could never be reached. */
export const MAX_INVOKE_TIMEOUT_MS = 60_000;

/** One entry of ALLOWED_IMAGE_HOSTS: an exact hostname or, written `.suffix`, any subdomain of it. */
export interface HostRule {
  readonly kind: "exact" | "suffix";
  /** Lower-case ASCII (punycode) form. For a suffix rule it includes the leading dot: ".example.com". */
  readonly host: string;
}

export interface FunctionConfig {
  readonly endpointName: string;
  readonly allowedHosts: readonly HostRule[];
  readonly invokeTimeoutMs: number;
}

export type ConfigResult = { ok: true; config: FunctionConfig } | { ok: false; message: string };

/** The variables the function reads; AWS_* variables are the SDK's business. */
export interface FunctionEnv {
  ENDPOINT_NAME?: string;
  ALLOWED_IMAGE_HOSTS?: string;
  INVOKE_TIMEOUT_MS?: string;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Parses one allowlist entry. Entries must name a DNS host with at least two labels, so that neither a bare
 * top-level domain (".com") nor a single-label name such as "localhost" can open the gate wide.
 */
export function parseHostRule(entry: string): { ok: true; rule: HostRule } | { ok: false; reason: string } {
  const suffix = entry.startsWith(".");
  const name = suffix ? entry.slice(1) : entry;
  if (name === "") return { ok: false, reason: "is empty" };
  if (/[:/@[\]]/.test(name)) {
    return { ok: false, reason: "must be a bare hostname, without scheme, port, path or brackets" };
  }
  if (/^[0-9.]+$/.test(name))
    return { ok: false, reason: "is an IP address; only DNS hostnames are allowed" };
  // Unicode (IDN) entries are accepted and compared in their punycode form, as the URL parser produces it.
  const ascii = domainToASCII(name.toLowerCase());
  if (ascii === "" || ascii.length > 253) return { ok: false, reason: "is not a valid hostname" };
  const labels = ascii.split(".");
  if (!labels.every((label) => LABEL.test(label))) {
    return {
      ok: false,
      reason: "is not a valid hostname (labels are a-z, 0-9 and inner hyphens, 1-63 chars)",
    };
  }
  if (labels.length < 2) {
    return { ok: false, reason: "must have at least two labels (e.g. images.example.com or .example.com)" };
  }
  // domainToASCII parses hosts as the URL parser does: one that ends in a number (decimal or 0x hex) is read as
  // IPv4 and comes back as a dotted quad ("0x7f.1" becomes "127.0.0.1") or not at all. Such an entry could never
  // match a URL the gate lets through (it rejects IP literals), so say so rather than quietly allow nothing.
  if (/^(?:[0-9]+|0x[0-9a-f]*)$/.test(labels[labels.length - 1])) {
    return { ok: false, reason: "is an IP address; only DNS hostnames are allowed" };
  }
  return { ok: true, rule: { kind: suffix ? "suffix" : "exact", host: suffix ? `.${ascii}` : ascii } };
}

/** Parses ALLOWED_IMAGE_HOSTS. An empty (or all-blank) value is valid and allows no host at all. */
export function parseAllowedHosts(
  raw: string,
): { ok: true; rules: HostRule[] } | { ok: false; message: string } {
  if (raw.trim() === "") return { ok: true, rules: [] };
  const rules: HostRule[] = [];
  const entries = raw.split(",");
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i].trim();
    const parsed = parseHostRule(entry);
    if (!parsed.ok) {
      return {
        ok: false,
        message: `ALLOWED_IMAGE_HOSTS entry ${i + 1} (${JSON.stringify(entry)}) ${parsed.reason}`,
      };
    }
    rules.push(parsed.rule);
  }
  return { ok: true, rules };
}

/** Parses the function's environment. Never throws; a bad value yields a message naming the variable and rule. */
export function parseConfig(env: FunctionEnv): ConfigResult {
  const endpointName = env.ENDPOINT_NAME;
  if (endpointName === undefined || endpointName === "") {
    return { ok: false, message: "ENDPOINT_NAME is not set" };
  }
  if (!ENDPOINT_NAME_PATTERN.test(endpointName)) {
    return {
      ok: false,
      message:
        "ENDPOINT_NAME must be 1-63 letters, digits and hyphens, starting and ending with a letter or digit " +
        "(SageMaker's endpoint-name rule)",
    };
  }

  if (env.ALLOWED_IMAGE_HOSTS === undefined) {
    return {
      ok: false,
      message:
        "ALLOWED_IMAGE_HOSTS is not set (comma-separated hostnames or .suffix entries; empty allows none)",
    };
  }
  const hosts = parseAllowedHosts(env.ALLOWED_IMAGE_HOSTS);
  if (!hosts.ok) return hosts;

  let invokeTimeoutMs = DEFAULT_INVOKE_TIMEOUT_MS;
  const rawTimeout = env.INVOKE_TIMEOUT_MS?.trim();
  if (rawTimeout !== undefined && rawTimeout !== "") {
    if (
      !/^[0-9]+$/.test(rawTimeout) ||
      Number(rawTimeout) < 1 ||
      Number(rawTimeout) > MAX_INVOKE_TIMEOUT_MS
    ) {
      return {
        ok: false,
        message: `INVOKE_TIMEOUT_MS must be an integer number of milliseconds from 1 to ${MAX_INVOKE_TIMEOUT_MS}`,
      };
    }
    invokeTimeoutMs = Number(rawTimeout);
  }

  return { ok: true, config: { endpointName, allowedHosts: hosts.rules, invokeTimeoutMs } };
}
