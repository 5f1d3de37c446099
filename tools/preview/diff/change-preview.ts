/**
 * `npm run preview -- --base <git-ref> | --base-dir <dir> | --base-json <file>`: previews the working tree and the
 * base and prints what the change does (text, --json or --format markdown). Called from cli.ts.
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "../../lib/program-runner";
import { runPreview, type PreviewOptions, type PreviewReport } from "../preview";
import { checkoutBase, previewDirectory, readBaseJson } from "./base";
import { buildChangeReport, type BaseDescription, type ChangeReport } from "./report";
import { renderChangeMarkdown } from "./render-markdown";
import { renderChangeText } from "./render-text";

export interface ChangePreviewOptions {
  readonly base?: string;
  readonly baseDir?: string;
  readonly baseJson?: string;
  readonly format: "text" | "json" | "markdown";
  readonly showSame: boolean;
  /** Also write the markdown report here. */
  readonly markdownFile?: string;
}

/** The --json document: the working tree's preview (usable as a later --base-json) plus the change report. */
export type ChangePreviewDocument = PreviewReport & { readonly diff: ChangeReport };

async function loadBase(
  options: ChangePreviewOptions,
  preview: PreviewOptions,
): Promise<{ report: PreviewReport; base: BaseDescription; ms: number }> {
  const started = performance.now();
  if (options.baseJson) {
    return {
      report: readBaseJson(options.baseJson),
      base: { source: "json", given: options.baseJson },
      ms: performance.now() - started,
    };
  }
  if (options.baseDir) {
    const report = await previewDirectory(options.baseDir, { skipPolicy: preview.skipPolicy });
    return { report, base: { source: "dir", given: options.baseDir }, ms: performance.now() - started };
  }
  const checkout = await checkoutBase(options.base!, REPO_ROOT);
  try {
    const report = await previewDirectory(checkout.dir, { skipPolicy: preview.skipPolicy });
    return {
      report,
      base: { source: "git", given: options.base!, commit: checkout.commit },
      ms: performance.now() - started,
    };
  } finally {
    checkout.cleanup();
  }
}

function onlyStacks(report: PreviewReport, stacks: readonly string[] | undefined): PreviewReport {
  return stacks?.length
    ? { ...report, stacks: report.stacks.filter((s) => stacks.includes(s.stack)) }
    : report;
}

export async function runChangePreview(
  options: ChangePreviewOptions,
  preview: PreviewOptions,
): Promise<{ text: string; exitCode: number; document: ChangePreviewDocument }> {
  const [head, base] = await Promise.all([runPreview(preview), loadBase(options, preview)]);
  const diff = buildChangeReport(onlyStacks(base.report, preview.stacks), head, base.base, {
    showSame: options.showSame,
    baseMs: base.ms,
  });
  const document: ChangePreviewDocument = { ...head, exitCode: diff.exitCode, diff };
  if (options.markdownFile) writeFileSync(options.markdownFile, renderChangeMarkdown(diff));
  const text =
    options.format === "json"
      ? JSON.stringify(document, null, 2) + "\n"
      : options.format === "markdown"
        ? renderChangeMarkdown(diff)
        : renderChangeText(diff);
  return { text, exitCode: diff.exitCode, document };
}
