/** The change report as text for a terminal (`npm run preview -- --base <ref>`). */
import { formatDelta, formatRange } from "./cost-diff";
import type { ChangeReport, StackChange } from "./report";
import { OPERATIONS } from "./report";
import { displayType, OPERATION_WORDS, operationLabel, symbolOf } from "./symbols";
import type { ResourceDiff } from "./types";
import { showValue } from "./values";

export function describeBase(report: ChangeReport): string {
  const b = report.base;
  if (b.source === "git") return `git ref ${b.given}${b.commit ? ` (${b.commit.slice(0, 12)})` : ""}`;
  if (b.source === "dir") return `directory ${b.given}`;
  return `saved preview ${b.given}`;
}

export function countsLine(counts: StackChange["counts"]): string {
  return OPERATIONS.map((op) => `${counts[op]} ${OPERATION_WORDS[op]}`).join(", ");
}

export function resourceLines(d: ResourceDiff, indent = "  "): string[] {
  const head = `${indent}${symbolOf(d).padEnd(2)} ${displayType(d.type)}  ${d.name}  ${operationLabel(d)}`;
  const lines = [head];
  if (d.oldUrn) lines.push(`${indent}     renamed from ${d.oldUrn.split("::").pop()} (alias)`);
  if (d.forcedBy?.length)
    lines.push(
      `${indent}     replaced because ${d.forcedBy.join(", ")} changed; ${d.replaceOrderReason ?? ""}`.trimEnd(),
    );
  for (const link of d.causedBy ?? []) {
    lines.push(`${indent}     ← ${link.name} (${link.operation}) feeds ${link.inputs.join(", ")}`);
  }
  for (const c of d.changes) {
    const flag = c.forcesReplacement ? "  [forces replacement]" : "";
    lines.push(`${indent}     ${c.path}: ${showValue(c.old)} → ${showValue(c.new)}${flag}`);
  }
  if (d.note && d.operation === "update") lines.push(`${indent}     update: ${d.note}`);
  return lines;
}

function stackLines(s: StackChange): string[] {
  const title = `Stack ${s.stack}: ${s.status}`;
  if (s.status === "failed") return [title, `  ${s.error}`];
  const lines = [`${title} — ${countsLine(s.counts)}`];
  for (const d of s.resources) lines.push(...resourceLines(d));
  if (s.warnings.length) {
    lines.push("  Warnings:");
    for (const w of s.warnings) lines.push(`    ! ${w.name}: ${w.message}`);
  }
  if (s.cost.status === "ok") {
    lines.push(
      `  Monthly cost: ${formatRange(s.cost.before)} → ${formatRange(s.cost.after)} (${formatDelta(s.cost.difference)})`,
    );
    for (const r of s.cost.resources) {
      lines.push(
        `    ${r.name}: ${formatRange(r.before)} → ${formatRange(r.after)} (${formatDelta(r.difference)})`,
      );
      for (const l of r.changedLines) lines.push(`      ${l.side === "before" ? "was" : "now"}: ${l.text}`);
    }
  } else lines.push(`  Monthly cost: not compared (${s.cost.reason})`);
  const p = s.policy;
  if (p.ran) {
    lines.push(
      `  Policy: ${p.added.length} new, ${p.resolved.length} resolved, ${p.unchanged} unchanged; ${p.mandatoryAfter} mandatory after`,
    );
    for (const v of p.added)
      lines.push(
        `    + [${v.enforcementLevel}] ${v.policyName} on ${v.resourceName ?? "the stack"}: ${firstLine(v.message)}`,
      );
    for (const v of p.resolved)
      lines.push(
        `    - [${v.enforcementLevel}] ${v.policyName} on ${v.resourceName ?? "the stack"}: ${firstLine(v.message)}`,
      );
  }
  return lines;
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

export function renderChangeText(report: ChangeReport): string {
  const lines = [`Change preview against ${describeBase(report)}`, ""];
  for (const s of report.stacks) lines.push(...stackLines(s), "");
  const sum = report.summary;
  lines.push(
    `Summary: ${countsLine(sum.counts)}; monthly cost ${formatDelta(sum.costDifference)}; ` +
      `${sum.newViolations} new and ${sum.resolvedViolations} resolved policy violations; ` +
      `${sum.mandatoryViolations} mandatory on the new side`,
  );
  if (sum.destructive.length) {
    lines.push(`DESTRUCTIVE: this change replaces or deletes protected or stateful resources:`);
    for (const d of sum.destructive) lines.push(`  ${d}`);
  }
  return lines.join("\n") + "\n";
}
