/** The change-preview flags of `npm run preview` and their checks (kept out of cli.ts). */
import { PreviewUsageError } from "../preview";
import type { ChangePreviewOptions } from "./change-preview";

export const CHANGE_PREVIEW_FLAGS = {
  base: { type: "string" },
  "base-dir": { type: "string" },
  "base-json": { type: "string" },
  format: { type: "string" },
  "show-same": { type: "boolean", default: false },
  "markdown-file": { type: "string" },
} as const;

const FORMATS = ["text", "json", "markdown"] as const;

/** The change-preview options, or undefined for a plain preview. Throws a usage error for bad combinations. */
export function changePreviewOptions(v: Record<string, unknown>): ChangePreviewOptions | undefined {
  const bases = (["base", "base-dir", "base-json"] as const).filter((k) => typeof v[k] === "string");
  const format = (v.format as string | undefined) ?? (v.json ? "json" : "text");
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new PreviewUsageError(`--format must be one of ${FORMATS.join(", ")}; got "${format}"`);
  }
  if (v.json && v.format !== undefined && v.format !== "json") {
    throw new PreviewUsageError(`--json and --format ${String(v.format)} contradict each other`);
  }
  if (bases.length > 1) {
    throw new PreviewUsageError(`give one base: ${bases.map((b) => `--${b}`).join(", ")} were all given`);
  }
  if (bases.length === 0) {
    const changeOnly = (["show-same", "markdown-file"] as const).filter(
      (k) => v[k] !== undefined && v[k] !== false,
    );
    if (format === "markdown" || changeOnly.length) {
      throw new PreviewUsageError(
        `${format === "markdown" ? "--format markdown" : changeOnly.map((k) => `--${k}`).join(", ")} needs a base: ` +
          "--base <git-ref>, --base-dir <dir> or --base-json <file>",
      );
    }
    return undefined;
  }
  return {
    ...(typeof v.base === "string" ? { base: v.base } : {}),
    ...(typeof v["base-dir"] === "string" ? { baseDir: v["base-dir"] } : {}),
    ...(typeof v["base-json"] === "string" ? { baseJson: v["base-json"] } : {}),
    format: format as ChangePreviewOptions["format"],
    showSame: v["show-same"] === true,
    ...(typeof v["markdown-file"] === "string" ? { markdownFile: v["markdown-file"] } : {}),
  };
}
