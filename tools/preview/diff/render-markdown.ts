/**
 * The change report as GitHub-flavoured markdown for a pull-request comment: a summary table per stack, then
 * collapsible details. GitHub rejects comments over 65,536 characters, so details are cut to fit, with a note.
 */
import { formatDelta, formatRange } from "./cost-diff";
import type { ChangeReport, StackChange } from "./report";
import { describeBase, resourceLines } from "./render-text";

/** GitHub's limit for an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Maximum length of the whole report. Default: GitHub's comment limit minus room for a marker line. */
  readonly maxLength?: number;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function summaryRow(s: StackChange): string {
  const c = s.counts;
  const cost =
    s.cost.status === "ok"
      ? `${formatRange(s.cost.before)} → ${formatRange(s.cost.after)} (**${formatDelta(s.cost.difference)}**)`
      : "–";
  const policy = s.policy.ran
    ? `${s.policy.added.length} new, ${s.policy.resolved.length} resolved, ${s.policy.unchanged} unchanged`
    : "–";
  const status = s.status === "failed" ? `failed: ${escapeCell(s.error ?? "")}` : s.status;
  return `| ${s.stack} | ${status} | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${cost} | ${policy} | ${s.warnings.length} |`;
}

function details(s: StackChange): string {
  if (
    s.status === "failed" ||
    (s.resources.length === 0 &&
      s.warnings.length === 0 &&
      s.policy.added.length === 0 &&
      s.policy.resolved.length === 0)
  )
    return "";
  const parts = [
    `<details><summary><b>${s.stack}</b>: ${s.resources.filter((d) => d.operation !== "same").length} resource changes</summary>`,
    "",
  ];
  if (s.warnings.length) {
    parts.push("**Warnings**", "");
    for (const w of s.warnings) parts.push(`- :warning: \`${w.name}\`: ${w.message}`);
    parts.push("");
  }
  if (s.resources.length) {
    parts.push("```diff");
    for (const d of s.resources) parts.push(...resourceLines(d, "").map((l) => l.replace(/^(\s*)/, "$1")));
    parts.push("```", "");
  }
  if (s.cost.status === "ok" && s.cost.resources.length) {
    parts.push("| resource | before | after | difference | basis |", "|---|---|---|---|---|");
    for (const r of s.cost.resources) {
      const basis = r.changedLines
        .map((l) => `${l.side === "before" ? "was" : "now"}: ${escapeCell(l.text)}`)
        .join("<br>");
      parts.push(
        `| ${r.name} | ${formatRange(r.before)} | ${formatRange(r.after)} | ${formatDelta(r.difference)} | ${basis} |`,
      );
    }
    parts.push("");
  }
  for (const v of s.policy.added)
    parts.push(
      `- :x: new **${v.enforcementLevel}** \`${v.policyName}\` on ${v.resourceName ?? "the stack"}: ${escapeCell(v.message.split("\n")[0])}`,
    );
  for (const v of s.policy.resolved)
    parts.push(`- :white_check_mark: resolved \`${v.policyName}\` on ${v.resourceName ?? "the stack"}`);
  parts.push("", "</details>", "");
  return parts.join("\n");
}

export function renderChangeMarkdown(report: ChangeReport, options: MarkdownOptions = {}): string {
  const max = options.maxLength ?? GITHUB_COMMENT_LIMIT - 200;
  const sum = report.summary;
  const head = [
    `## Offline change preview`,
    "",
    `Against ${describeBase(report)}. Monthly cost ${formatDelta(sum.costDifference)}; ` +
      `${sum.newViolations} new and ${sum.resolvedViolations} resolved policy violations; ` +
      `${sum.mandatoryViolations} mandatory on the new side.`,
    "",
    "| stack | status | + create | ~ update | +- replace | - delete | monthly cost | policy | warnings |",
    "|---|---|---:|---:|---:|---:|---|---|---:|",
    ...report.stacks.map(summaryRow),
    "",
  ];
  if (sum.destructive.length) {
    head.push(`> [!CAUTION]`, `> This change replaces or deletes protected or stateful resources:`);
    for (const d of sum.destructive) head.push(`> - ${d}`);
    head.push("");
  }
  let out = head.join("\n");
  const note = (left: number) =>
    `\n_Report truncated to fit a GitHub comment: details of ${left} stack(s) left out. Run \`npm run preview -- --base <ref>\` locally for all of it._\n`;
  const sections = report.stacks.map(details).filter((d) => d !== "");
  for (let i = 0; i < sections.length; i++) {
    const section = sections[i];
    if (out.length + section.length + 300 <= max) {
      out += "\n" + section;
      continue;
    }
    // Cut this section to what still fits (closing any open code block and the details), then stop.
    const room = max - out.length - 400;
    if (room > 200) {
      let cut = section.slice(0, room);
      cut = cut.slice(0, cut.lastIndexOf("\n"));
      if ((cut.match(/```/g) ?? []).length % 2 === 1) cut += "\n```";
      out += "\n" + cut + "\n\n</details>\n";
    }
    out += note(sections.length - i);
    break;
  }
  return out;
}
