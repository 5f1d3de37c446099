/**
 * Property values as the Pulumi engine marshals them for an analyzer, applied to plain JS values: the unknown
 * sentinel, resource references, output values and secrets, and Go durations for custom timeouts.
 *
 * The signatures are the ones in @pulumi/pulumi's runtime (`runtime/rpc.ts`: `specialSigKey`, `specialSecretSig`,
 * `specialResourceSig`, `specialOutputValueSig`, `unknownValue`), which the pack decodes with the same module.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/**
 * Pulumi's "unknown value" sentinel, as the engine marshals a value that is not known during a preview. Put it in a
 * resource's properties to simulate a preview-time unknown: the pack's `unknownCheckingProxy` throws
 * `UnknownValueError` when a policy reads it.
 */
export const ENGINE_UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/**
 * Converts a property value into what the CLI sends (`MarshalOptions{KeepUnknowns, KeepSecrets}` without
 * KeepResources/KeepOutputValues): `undefined` object keys are dropped (the engine has no such value) and become
 * `null` in arrays; resource references become their ID, else their URN; output values become their value, or the
 * unknown sentinel when unknown; secrets, assets and archives keep their signature objects, which the pack decodes.
 */
export function toEngineValue(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new TypeError(`cannot send non-finite number ${value} to the policy pack`);
    return value;
  }
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(toEngineValue);
  if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const sig = obj[SIG_KEY];
    if (sig === RESOURCE_SIG) {
      const id = obj["id"];
      return typeof id === "string" && id !== "" ? id : obj["urn"];
    }
    if (sig === OUTPUT_VALUE_SIG) {
      if (!("value" in obj) || obj["value"] === undefined) return ENGINE_UNKNOWN_SENTINEL;
      const inner = toEngineValue(obj["value"]);
      return obj["secret"] ? { [SIG_KEY]: SECRET_SIG, value: inner } : inner;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (v !== undefined) out[k] = toEngineValue(v);
    }
    return out;
  }
  throw new TypeError(`cannot send a ${typeof value} to the policy pack`);
}

/** A property bag as the protobuf Struct the Analyzer messages carry. */
export function toStruct(props: Readonly<Record<string, unknown>>): Struct {
  return Struct.fromJavaScript(toEngineValue(props ?? {}) as Record<string, any>);
}

/**
 * Parses a Go duration string ("60m", "1h30m", "90s", "1.5h") into seconds, as the engine stores custom timeouts.
 * Returns 0 for undefined/empty; throws on anything else that is not a duration.
 */
export function durationToSeconds(duration: string | undefined): number {
  if (duration === undefined || duration === "") return 0;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(duration)) !== null) {
    total += Number(match[1]) * unit[match[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== duration.length || consumed === 0) {
    throw new TypeError(`customTimeouts: "${duration}" is not a Go duration such as "60m" or "1h30m"`);
  }
  return total;
}
