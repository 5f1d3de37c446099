/**
 * Maps stack-trace positions in TypeScript files loaded by esbuild-register.js back to the original source, using
 * the source maps it keeps in memory. A minimal decoder (base64 VLQ, source map v3) so that error locations are
 * right without Node's --enable-source-maps, which parses every module's map at load time.
 */
const REGISTRY = Symbol.for("ml-platform.esbuild-source-maps");

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUE = new Map([...BASE64].map((c, i) => [c, i]));

/** Decoded segments per generated line: [generatedColumn, sourceLine, sourceColumn] (0-based). */
type DecodedMap = [number, number, number][][];

const decoded = new Map<string, DecodedMap>();

/** Decodes a source map v3 `mappings` string (single source). */
export function decodeMappings(mappings: string): DecodedMap {
  const lines: DecodedMap = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const lineText of mappings.split(";")) {
    const segments: [number, number, number][] = [];
    let generatedColumn = 0;
    for (const segment of lineText.split(",")) {
      if (segment === "") continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of segment) {
        const digit = BASE64_VALUE.get(ch);
        if (digit === undefined) throw new Error(`invalid base64 VLQ character ${ch}`);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      generatedColumn += values[0];
      if (values.length >= 4) {
        sourceLine += values[2];
        sourceColumn += values[3];
        segments.push([generatedColumn, sourceLine, sourceColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

function mapFor(file: string): DecodedMap | undefined {
  const cached = decoded.get(file);
  if (cached) return cached;
  const registry = (globalThis as Record<symbol, unknown>)[REGISTRY] as Map<string, string> | undefined;
  const raw = registry?.get(file);
  if (!raw) return undefined;
  const map = decodeMappings((JSON.parse(raw) as { mappings: string }).mappings);
  decoded.set(file, map);
  return map;
}

/** The original 1-based line and column of a 1-based generated position, or undefined when unmapped. */
export function originalPosition(
  file: string,
  line: number,
  column: number,
): { line: number; column: number } | undefined {
  const segments = mapFor(file)?.[line - 1];
  if (!segments?.length) return undefined;
  let best = segments[0];
  for (const s of segments) if (s[0] <= column - 1) best = s;
  return { line: best[1] + 1, column: best[2] + 1 };
}

/** Rewrites `path:line:col` positions of mapped files in one stack-trace line. */
export function mapStackLine(stackLine: string): string {
  return stackLine.replace(
    /((?:[A-Za-z]:)?[^\s():]+\.ts):(\d+):(\d+)/g,
    (whole, file: string, l: string, c: string) => {
      const pos = originalPosition(file, Number(l), Number(c));
      return pos ? `${file}:${pos.line}:${pos.column}` : whole;
    },
  );
}
