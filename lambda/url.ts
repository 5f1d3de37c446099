// The SSRF gate. The model container fetches whatever URL it is given (no timeout, no size cap, redirects
// followed) from inside the endpoint's network, so this module decides what may reach it. It validates the
// object the WHATWG parser produced, never the raw string, and the caller forwards only `href`.
import type { HostRule } from "./config";

export const MAX_URL_LENGTH = 2048;

export type UrlCheck =
  { ok: true; href: string; host: string } | { ok: false; rule: UrlRule; message: string; host?: string };

/** Names of the rules a URL can break; they appear in logs and in the 400 message. */
export type UrlRule =
  | "type"
  | "length"
  | "characters"
  | "syntax"
  | "scheme"
  | "userinfo"
  | "port"
  | "ip-literal"
  | "hostname"
  | "allowlist";

// Whitespace (including Unicode spaces), C0 and C1 control characters, DEL and backslashes. WHATWG parsing
// silently strips tabs/newlines and reads "\" as "/", which other parsers (the container's Python) do not:
// rejecting them removes any disagreement about which host is meant.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[\s\u0000-\u001f\u007f-\u009f\\]/;
const IPV4_HOST = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function reject(rule: UrlRule, message: string, host?: string): UrlCheck {
  return { ok: false, rule, message, host };
}

/** True when `host` (lower-case ASCII, no trailing dot) is allowed by one of the rules. */
export function hostAllowed(host: string, rules: readonly HostRule[]): boolean {
  for (const rule of rules) {
    if (
      rule.kind === "exact" ? host === rule.host : host.endsWith(rule.host) && host.length > rule.host.length
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Checks an image URL against the function's rules and returns the re-serialised href to forward.
 * Never throws.
 */
export function checkImageUrl(raw: unknown, rules: readonly HostRule[]): UrlCheck {
  if (typeof raw !== "string") return reject("type", "url must be a string");
  if (raw.length === 0) return reject("syntax", "url must not be empty");
  if (raw.length > MAX_URL_LENGTH)
    return reject("length", `url must be at most ${MAX_URL_LENGTH} characters`);
  if (FORBIDDEN_CHARACTERS.test(raw)) {
    return reject("characters", "url must not contain whitespace, control characters or backslashes");
  }

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return reject("syntax", "url is not an absolute URL");
  }

  if (url.protocol !== "https:") return reject("scheme", "url must use https");
  if (url.username !== "" || url.password !== "") {
    return reject("userinfo", "url must not contain a user name or password");
  }
  // The parser drops an explicit default port, so an empty port means 443.
  if (url.port !== "") return reject("port", "url must use the default https port (443)");

  // After parsing, every IPv4 spelling (decimal, hex, octal, short forms, with a trailing dot) is dotted-quad and
  // every IPv6 one (IPv4-mapped included) is bracketed, so these two tests cover all IP literals.
  const parsedHost = url.hostname;
  if (parsedHost.startsWith("[") || IPV4_HOST.test(parsedHost)) {
    return reject("ip-literal", "url host must be a DNS name, not an IP address");
  }

  // One trailing dot names the same host (a fully qualified name); compare and forward it without the dot.
  const host = parsedHost.endsWith(".") ? parsedHost.slice(0, -1) : parsedHost;
  const labels = host.split(".");
  if (host.length > 253 || labels.length < 2 || !labels.every((label) => DNS_LABEL.test(label))) {
    return reject("hostname", "url host is not a valid DNS hostname", host);
  }
  if (!hostAllowed(host, rules)) {
    return reject(
      "allowlist",
      rules.length === 0
        ? "url host is not allowed (the allowlist is empty)"
        : "url host is not in the allowlist",
      host,
    );
  }

  if (host !== parsedHost) url.hostname = host;
  const href = url.href;
  // Percent-encoding can lengthen the URL; the cap applies to what is forwarded as well.
  if (href.length > MAX_URL_LENGTH)
    return reject("length", `url must be at most ${MAX_URL_LENGTH} characters`);
  return { ok: true, href, host };
}
