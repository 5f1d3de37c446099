/**
 * Text output of the offline preview, per stack: the plan as a tree (like `pulumi preview`), the stack outputs,
 * the policy violations grouped by enforcement level then severity, and the cost table; then a summary of all
 * stacks and the verdict. Colour only when asked (cli.ts asks when stdout is a TTY).
 */
import { formatUsdRange } from "@ml-platform/aws-facts/pricing";
import { formatCost } from "./cost";
import { renderCapacity } from "../capacity/render-text";
import { planLines } from "./plan";
import type { PreviewReport, ReportedViolation, StackReport } from "./preview";
import type { CapturedResource } from "../lib/resource-graph";

export interface RenderOptions {
  readonly color: boolean;
  /** Wrap long messages at this width. Default 110. */
  readonly width?: number;
}

type Style = (s: string) => string;

function styles(color: boolean) {
  const wrap =
    (open: number, close: number): Style =>
    (s) =>
      color ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    magenta: wrap(35, 39),
  };
}

/**
 * Word-wraps `text` to `width`, prefixing every line with `indent`. Keeps explicit line breaks and leading
 * whitespace, and gives list items ("- ...") a hanging indent so a wrapped item does not look like a new one.
 */
export function wrapText(text: string, width: number, indent: string): string {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    const lead = /^(\s*(?:[-*•]\s+)?)/.exec(paragraph)![1];
    const hanging = " ".repeat(lead.length);
    let line = "";
    let first = true;
    const flush = () => {
      out.push(indent + (first ? lead : hanging) + line);
      first = false;
    };
    for (const word of paragraph.slice(lead.length).split(/\s+/).filter(Boolean)) {
      if (line && indent.length + lead.length + line.length + 1 + word.length > width) {
        flush();
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    flush();
  }
  return out.join("\n");
}

function renderPlan(stack: StackReport, s: ReturnType<typeof styles>): string[] {
  // planLines works on CapturedResource; ReportedResource carries the fields it reads.
  const lines = planLines(
    stack.resources.map((r): CapturedResource => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      custom: r.custom,
      ...(r.parent ? { parent: r.parent } : {}),
      dependencies: r.dependencies,
      propertyDependencies: {},
      inputs: r.inputs,
      outputs: {},
      options: r.options,
    })),
  );
  if (lines.length === 0) return [];
  const typeWidth = Math.min(70, Math.max(4, ...lines.map((l) => l.prefix.length + l.type.length)));
  const nameWidth = Math.min(48, Math.max(4, ...lines.map((l) => l.name.length)));
  const out = [s.dim(`     ${"Type".padEnd(typeWidth)}  ${"Name".padEnd(nameWidth)}  Plan    Info`)];
  for (const l of lines) {
    const typeCell = `${l.prefix}${l.type}`.padEnd(typeWidth);
    const info = l.info ? s.dim(l.info) : "";
    out.push(
      ` ${s.green("+")}   ${typeCell}  ${l.name.padEnd(nameWidth)}  ${s.green("create")}  ${info}`.trimEnd(),
    );
  }
  return out;
}

function renderOutputs(outputs: Readonly<Record<string, unknown>>): string[] {
  const keys = Object.keys(outputs);
  if (keys.length === 0) return [];
  const width = Math.max(...keys.map((k) => k.length));
  return ["Outputs:", ...keys.map((k) => `    ${`${k}:`.padEnd(width + 1)} ${JSON.stringify(outputs[k])}`)];
}

function levelStyle(level: string, s: ReturnType<typeof styles>): Style {
  return level === "mandatory" ? s.red : level === "advisory" ? s.yellow : s.magenta;
}

function renderViolations(
  stack: StackReport,
  report: PreviewReport,
  s: ReturnType<typeof styles>,
  width: number,
): string[] {
  const pack = report.policyPack;
  const packName = pack.status === "ok" ? `${pack.name}@${pack.version}` : "policy pack";
  const config = stack.policy.configFile
    ? `config ${relative(stack.policy.configFile, report.projectDir)}`
    : "default config";
  const out = [`Policies (${packName}, ${config}):`];
  const violations = stack.policy.violations;
  if (violations.length === 0) {
    out.push(`    ${s.green("✔")} no violations`);
    return out;
  }
  const levels = [...new Set(violations.map((v) => v.enforcementLevel))];
  for (const level of levels) {
    const ofLevel = violations.filter((v) => v.enforcementLevel === level);
    const mark = level === "mandatory" ? "✖" : "!";
    out.push(`    ${levelStyle(level, s)(`${mark} ${level}`)} ${s.dim(`(${ofLevel.length})`)}`);
    const severities = [...new Set(ofLevel.map((v) => v.severity))];
    for (const severity of severities) {
      out.push(`      ${s.bold(severity)}`);
      const ofSeverity = ofLevel.filter((x) => x.severity === severity);
      for (const policyName of [...new Set(ofSeverity.map((v) => v.policyName))]) {
        out.push(
          ...renderPolicyGroup(
            ofSeverity.filter((v) => v.policyName === policyName),
            s,
            width,
          ),
        );
      }
    }
  }
  return out;
}

/**
 * The remediations the pack applied, as changes: policy and resource, then each property path, old → new. Nothing
 * when there are none.
 */
function renderRemediations(stack: StackReport, s: ReturnType<typeof styles>, width: number): string[] {
  const remediations = stack.policy.remediations ?? [];
  if (remediations.length === 0) return [];
  const value = (v: unknown) => (v === undefined ? "(unset)" : JSON.stringify(v));
  const out = [
    `Remediations (${remediations.length}, applied before the checks; the remediated inputs are deployed):`,
  ];
  for (const r of remediations) {
    out.push(
      `    ${s.magenta("~")} ${s.bold(r.policyName)}: ${r.resourceName} (${displayTypeShort(r.resourceType)})`,
    );
    for (const c of r.changes) {
      out.push(wrapText(`${c.path}: ${value(c.before)} → ${value(c.after)}`, width, "        "));
    }
  }
  return out;
}

/** One policy's violations: the policy name, each resource's message, then the remediation once. */
function renderPolicyGroup(
  group: readonly ReportedViolation[],
  s: ReturnType<typeof styles>,
  width: number,
): string[] {
  const first = group[0];
  const out = [`        ${s.bold(first.policyName)}${group.length > 1 ? s.dim(` (${group.length})`) : ""}`];
  for (const v of group) {
    const target = v.resourceName
      ? `${v.resourceName}${v.resourceType ? ` (${displayTypeShort(v.resourceType)})` : ""}`
      : "stack";
    // The pack prefixes each message with the policy's description (as the CLI prints it); show the specific part.
    const specific =
      v.description && v.message.startsWith(v.description)
        ? v.message.slice(v.description.length).trim()
        : v.message;
    const text = specific || v.message;
    const mentionsTarget = v.resourceName !== undefined && text.includes(v.resourceName);
    out.push(wrapText(`- ${mentionsTarget ? text : `${target}: ${text}`}`, width, "          "));
  }
  if (first.remediationSteps)
    out.push(s.dim(wrapText(`Remediation: ${first.remediationSteps}`, width, "            ")));
  if (first.url) out.push(s.dim(`            See ${first.url}`));
  return out;
}

function displayTypeShort(type: string): string {
  const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
  return m ? `${m[1]}:${m[2]}:${m[3]}` : type;
}

function relative(path: string, base: string): string {
  return path.startsWith(`${base}/`) ? path.slice(base.length + 1) : path;
}

const STATUS_TEXT: Record<string, string> = {
  "config-error": "invalid configuration",
  "program-error": "the program failed",
  "setup-error": "could not run the program",
  "policy-error": "the policy pack failed",
};

function renderStack(
  stack: StackReport,
  report: PreviewReport,
  s: ReturnType<typeof styles>,
  width: number,
): string {
  const out: string[] = [];
  const components = stack.resources.filter((r) => !r.custom).length;
  out.push(s.bold(s.cyan(`━━ Stack ${stack.stack} (${stack.project}) ━━`)));
  if (stack.status !== "ok" && stack.error) {
    out.push(s.red(`error: stack ${stack.stack}: ${STATUS_TEXT[stack.status] ?? stack.status}`));
    out.push(wrapText(stack.error.message, width, "    "));
    if (stack.error.location) out.push(s.dim(stack.error.location.replace(/^/gm, "        ")));
    const registered = stack.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").length;
    if (registered > 0 && stack.status !== "policy-error") {
      out.push(
        s.dim(
          `    (${registered} resource${registered === 1 ? " was" : "s were"} registered before the failure)`,
        ),
      );
    }
  }
  if (stack.status === "ok" || stack.status === "policy-error") {
    out.push(
      // Counted as `pulumi preview` counts them: every resource, components and the stack included.
      `Resources: ${s.green(`+ ${stack.resources.length} to create`)} ` +
        s.dim(
          `(${stack.resources.length - components} cloud resources, ${components} components incl. the stack)`,
        ),
    );
    out.push(...renderPlan(stack, s));
    out.push("");
    out.push(...renderOutputs(stack.outputs));
    if (Object.keys(stack.outputs).length) out.push("");
    if (stack.policy.ran) {
      out.push(...renderViolations(stack, report, s, width));
      out.push(...renderRemediations(stack, s, width));
      out.push("");
    } else if (report.policyPack.status === "skipped") {
      out.push(s.dim("Policies: skipped (--no-policy)"), "");
    }
    out.push(formatCost(stack.cost));
    if (stack.cost.status === "ok" && stack.cost.budgetUsd !== undefined) {
      const line = `Budget ${formatUsdRange(stack.cost.budgetUsd, stack.cost.budgetUsd)} per month: worst case ${
        stack.cost.withinBudget ? "within budget" : "OVER budget"
      }`;
      out.push(stack.cost.withinBudget ? s.green(line) : s.red(line));
    }
    if (stack.capacity) out.push("", renderCapacity(stack.capacity));
  }
  if (stack.diagnostics.length) {
    out.push("", s.dim("Diagnostics:"));
    for (const d of stack.diagnostics) out.push(s.dim(`    ${d}`));
  }
  return out.join("\n");
}

function renderSummary(report: PreviewReport, s: ReturnType<typeof styles>): string {
  const rows = report.stacks.map((st) => {
    const cost =
      st.cost.status === "ok"
        ? `${formatUsdRange(st.cost.monthlyMin, st.cost.monthlyMax)}/month${st.cost.unknownCount ? ` + ${st.cost.unknownCount} unknown` : ""}`
        : "—";
    const status = st.status === "ok" ? s.green("ok") : s.red(STATUS_TEXT[st.status] ?? st.status);
    const policy = st.policy.ran
      ? `${st.policy.counts.mandatory ? s.red(`${st.policy.counts.mandatory} mandatory`) : "0 mandatory"}, ${st.policy.counts.advisory} advisory` +
        (st.policy.remediations?.length ? `, ${st.policy.remediations.length} remediated` : "")
      : "policies not run";
    const planned = st.status === "ok" || st.status === "policy-error";
    const resources = planned ? `${String(st.resources.length).padStart(3)} resources` : "no plan";
    return `  ${st.stack.padEnd(12)} ${status}  ${resources}  ${policy}  ${cost}`;
  });
  const verdict =
    report.exitCode === 0
      ? s.green("No mandatory policy violations.")
      : report.exitCode === 1
        ? s.red(
            `${report.summary.mandatoryViolations} mandatory policy violation(s): \`pulumi up\` would be blocked.`,
          )
        : s.red(
            report.policyPack.status === "failed"
              ? `The policy pack failed to load: ${report.policyPack.message}`
              : `${report.summary.failedStacks} stack(s) could not be previewed.`,
          );
  return [s.bold("Summary"), ...rows, "", verdict].join("\n");
}

export function renderText(report: PreviewReport, options: RenderOptions): string {
  const s = styles(options.color);
  const width = options.width ?? 110;
  const parts = report.stacks.map((st) => renderStack(st, report, s, width));
  if (report.policyPack.status === "failed" && report.stacks.every((st) => st.status !== "policy-error")) {
    parts.push(s.red(`error: the policy pack failed to load: ${report.policyPack.message}`));
  }
  parts.push(renderSummary(report, s));
  return parts.join("\n\n") + "\n";
}
