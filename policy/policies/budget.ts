/**
 * Cost: the `monthly-budget` stack policy. It estimates the stack's monthly cost with the same estimator and price
 * file as the offline preview (aws-facts/pricing) and compares the worst case with a per-stack budget.
 * Prices it cannot find are reported as such, never treated as zero.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import {
  DEFAULT_COST_ASSUMPTIONS,
  DEFAULT_MONTHLY_BUDGET_USD,
  estimateStackCost,
  formatUsd,
  formatUsdRange,
  resolveAssumptions,
  summarizeEstimate,
  type CostAssumptionsInput,
  type CostLine,
} from "@ml-platform/aws-facts/pricing";
import { defineStackPolicy, type ConfigSpec, type PlatformPolicy } from "../framework";

/**
 * A resource the estimator cannot price whose absence from the total is accepted, with the reason: either every
 * resource of a type token, or one resource by logical name or URN.
 */
export interface AcceptedUnpriced {
  readonly type?: string;
  readonly resource?: string;
  readonly reason: string;
}

export interface MonthlyBudgetConfig {
  budgetUsd: number;
  region: string;
  assumptions: CostAssumptionsInput;
  acceptedUnpriced: AcceptedUnpriced[];
}

const TYPE_TOKEN = /^[a-z][a-z0-9-]*:[^:\s]+:[^:\s]+$/;

/** The problems of the `acceptedUnpriced` entries, each naming the entry and the rule. */
export function acceptedUnpricedProblems(entries: unknown): string[] {
  if (!Array.isArray(entries)) return ["acceptedUnpriced must be an array"];
  const problems: string[] = [];
  entries.forEach((entry: unknown, i) => {
    const at = `acceptedUnpriced[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(`${at} must be an object { type or resource, reason }`);
      return;
    }
    const { type, resource, reason, ...rest } = entry as Record<string, unknown>;
    for (const key of Object.keys(rest))
      problems.push(`${at}.${key} is not a known key (type, resource, reason)`);
    if ((type === undefined) === (resource === undefined))
      problems.push(`${at} must name exactly one of type (a type token) or resource (a logical name or URN)`);
    if (type !== undefined && (typeof type !== "string" || !TYPE_TOKEN.test(type)))
      problems.push(`${at}.type must be a type token such as aws:cloudwatch/metricAlarm:MetricAlarm`);
    if (resource !== undefined && (typeof resource !== "string" || resource.trim() === ""))
      problems.push(`${at}.resource must be a non-empty logical name or URN`);
    if (typeof reason !== "string" || reason.trim() === "")
      problems.push(`${at}.reason must say why leaving the resource out of the budget is acceptable`);
  });
  return problems;
}

/** The reason a resource's missing price is accepted, from the first matching entry. */
function acceptedReason(
  accepted: readonly AcceptedUnpriced[],
  resource: { readonly type: string; readonly name: string; readonly urn: string },
): string | undefined {
  const entry = accepted.find(
    (a) =>
      typeof a.reason === "string" &&
      a.reason.trim() !== "" &&
      (a.type === resource.type || a.resource === resource.name || a.resource === resource.urn),
  );
  return entry?.reason.trim();
}

/** JSON-schema properties of the `assumptions` object, generated from the estimator's defaults. */
function assumptionProperties(): Record<string, PolicyConfigJSONSchema> {
  const described: Record<string, string> = {
    notebookIdleStopHoursPerMonth:
      "Hours per month a notebook with an idle auto-stop lifecycle configuration runs (low end of its range).",
    trainingHostHoursPerMonth: "Hours per month an EC2 training host runs.",
    endpointVolumeGbPerInstance:
      "ML storage GB per endpoint instance when a variant does not set volumeSizeInGb.",
    lambdaRequestsPerMonth: "Requests per month to each Lambda function.",
    lambdaAverageDurationMs: "Average billed duration per Lambda invocation (ms).",
    serverlessRequestsPerMonth: "Requests per month to each SageMaker serverless variant.",
    serverlessAverageDurationMs: "Average inference duration per serverless request (ms).",
    serverlessPayloadKbPerRequest: "Data processed (request plus response) per serverless request (KB).",
    bucketStorageGb: "GB stored in each S3 bucket (S3 Standard).",
    logIngestionGbPerMonth: "GB ingested per month into each CloudWatch log group.",
  };
  const properties: Record<string, PolicyConfigJSONSchema & { description: string }> = {};
  for (const [key, description] of Object.entries(described)) {
    properties[key] = {
      type: "number",
      minimum: 0,
      ...(key.endsWith("HoursPerMonth") ? { maximum: 730 } : {}),
      default: (DEFAULT_COST_ASSUMPTIONS as unknown as Record<string, number>)[key],
      description,
    };
  }
  properties.spotSavings = {
    type: "object",
    properties: {
      min: { type: "number", minimum: 0, maximum: 1 },
      max: { type: "number", minimum: 0, maximum: 1 },
    },
    required: ["min", "max"],
    additionalProperties: false,
    description:
      "Spot savings versus on-demand as a fraction range { min, max }. Omitted: the price file's observed range " +
      "(0.49–0.66 in us-east-1).",
  };
  return properties;
}

const monthlyBudgetConfig: ConfigSpec<MonthlyBudgetConfig> = {
  budgetUsd: {
    type: "number",
    minimum: 0,
    default: DEFAULT_MONTHLY_BUDGET_USD,
    description:
      "The stack's monthly budget in USD. The worst-case monthly estimate (max capacity, always-on hours) must " +
      "not exceed it. Set it per stack in policy/config/<stack>.json.",
  },
  region: {
    type: "string",
    minLength: 1,
    default: "us-east-1",
    description:
      "Region priced for resources whose provider region is not visible to the policy. Must match the stack's " +
      "aws:region; a region without a price file yields unknown prices, which are reported.",
  },
  assumptions: {
    type: "object",
    properties: assumptionProperties(),
    additionalProperties: false,
    default: {},
    description:
      "Overrides of the estimator's usage assumptions (the same keys as the preview's); omitted keys keep the " +
      "documented defaults. See docs/cost.md.",
  },
  acceptedUnpriced: {
    type: "array",
    default: [],
    description:
      "Resources the estimator cannot price whose absence from the total is accepted: `{ type: <type token>, " +
      "reason }` for every resource of a type, or `{ resource: <logical name or URN>, reason }` for one. Any other " +
      "unpriced resource that can cost money makes the budget verdict unknown, reported at this policy's level.",
    items: {
      type: "object",
      properties: {
        type: { type: "string", minLength: 1 },
        resource: { type: "string", minLength: 1 },
        reason: { type: "string", minLength: 1 },
      },
      required: ["reason"],
      additionalProperties: false,
    },
  },
};

const REMEDIATION =
  "Bring the worst case under the budget: lower the endpoint's maxCapacity or instance type, use a smaller " +
  "notebook or training instance, attach the idle auto-stop lifecycle configuration, or stop the training host " +
  "between runs (trainingHostHoursPerMonth). If the spend is intended, raise budgetUsd for this stack in " +
  "policy/config/<stack>.json. For unknown prices, add the missing figure with `npm run pricing:refresh` or use a " +
  "priced instance type.";

function describeLine(line: CostLine): string {
  return `${line.name} ${line.description} ${formatUsd(line.monthlyMax ?? 0)}`;
}

export const monthlyBudget = defineStackPolicy<MonthlyBudgetConfig>({
  name: "monthly-budget",
  family: "cost",
  description:
    "The stack's worst-case monthly cost estimate must stay within its budget, and every resource that can cost " +
    "money must have a known price (or be accepted as unpriced with a reason).",
  severity: "medium",
  enforcementLevel: "advisory",
  remediationSteps: REMEDIATION,
  unknownValues: {
    behaviour: "fail-closed",
    detail:
      "A cost input unknown during preview (instance type, capacity, memory size) yields an 'unknown price' line, " +
      "reported as a violation because the budget cannot be verified. Unknown names and ARNs do not matter: " +
      "resources are linked through dependencies and component parents as well.",
  },
  checks: [
    "Estimates every resource from its outputs with aws-facts/pricing (the preview's estimator and price file).",
    "Reports the stack when the worst case (max capacity, 730 h always-on, assumed traffic) exceeds budgetUsd.",
    "Reports each resource with an unknown price (unknown region, instance type, volume type), never counting it as zero.",
    "Reports each AWS resource whose type has no cost model and is not free (free types are listed, with the " +
      "pricing page that says so, in aws-facts/pricing/free-types.ts): the budget verdict is unknown, not a pass.",
    "An unpriced resource listed in acceptedUnpriced (by type or by resource, with a reason) is left out instead.",
    "A resource exempted from this policy is left out of the total; the message says so.",
  ],
  tags: ["cost"],
  config: monthlyBudgetConfig,
  validateConfig: (config) => {
    const problems = acceptedUnpricedProblems(config.acceptedUnpriced);
    try {
      resolveAssumptions(config.assumptions);
    } catch (error) {
      problems.unshift((error as Error).message);
    }
    return problems;
  },
  resourceTypes: [],
  validateStack: (ctx) => {
    const { budgetUsd, region } = ctx.config;
    let assumptions: CostAssumptionsInput;
    try {
      assumptions = resolveAssumptions(ctx.config.assumptions);
    } catch {
      assumptions = {}; // already reported by validateConfig; check with the defaults meanwhile
    }
    const estimate = estimateStackCost(ctx.resources, { region, assumptions });
    const exemptUrns = new Set(ctx.resources.filter((r) => ctx.isExempt(r)).map((r) => r.urn));
    const accepted = Array.isArray(ctx.config.acceptedUnpriced)
      ? ctx.config.acceptedUnpriced.filter((a) => acceptedUnpricedProblems([a]).length === 0)
      : [];
    const acceptedUrns = new Set<string>();
    const isAccepted = (r: { type: string; name: string; urn: string }) => {
      if (acceptedReason(accepted, r) === undefined) return false;
      acceptedUrns.add(r.urn);
      return true;
    };
    const unmodelled = estimate.notEstimated.filter((n) => !exemptUrns.has(n.urn) && !isAccepted(n));
    const counted = estimate.lines.filter(
      (line) => !exemptUrns.has(line.urn) && !(line.status === "unknown" && isAccepted(line)),
    );
    const priced = counted.filter((line) => line.status === "priced");
    const monthlyMin = priced.reduce((sum, line) => sum + (line.monthlyMin ?? 0), 0);
    const monthlyMax = priced.reduce((sum, line) => sum + (line.monthlyMax ?? 0), 0);
    const leftOut = (n: number, what: string) => `${n} ${what} resource${n === 1 ? "" : "s"} left out`;
    const notes = [
      ...(exemptUrns.size > 0 ? [leftOut(exemptUrns.size, "exempt")] : []),
      ...(acceptedUrns.size > 0 ? [leftOut(acceptedUrns.size, "accepted unpriced")] : []),
    ];
    const exemptNote = notes.length > 0 ? ` (${notes.join(", ")})` : "";
    const unknownLines = counted.filter((line) => line.status === "unknown");

    if (monthlyMax > budgetUsd) {
      const largest = [...priced]
        .sort((a, b) => (b.monthlyMax ?? 0) - (a.monthlyMax ?? 0))
        .slice(0, 3)
        .map(describeLine)
        .join("; ");
      const unknownNote =
        unknownLines.length + unmodelled.length > 0
          ? `, plus ${unknownLines.length + unmodelled.length} unpriced item(s)`
          : "";
      ctx.report(undefined, {
        property: "worst-case monthly cost",
        problem:
          `is ${formatUsd(monthlyMax)}, over the budget of ${formatUsd(budgetUsd)} ` +
          `(estimate ${formatUsdRange(monthlyMin, monthlyMax)} per month${unknownNote}${exemptNote}; ` +
          `largest: ${largest})`,
        fix:
          "lower the endpoint's maxCapacity or instance types, or the training host's hours, or raise budgetUsd " +
          'for this stack in policy/config/<stack>.json ("monthly-budget")',
      });
    }

    for (const n of unmodelled) {
      const resource = ctx.resources.find((r) => r.urn === n.urn);
      ctx.report(resource, {
        property: "monthly cost",
        problem:
          `is unknown: ${n.type} has no cost model here and can cost money, so the budget verdict of ` +
          `${formatUsd(budgetUsd)} is unknown, not a pass (known part of the stack: ${summarizeEstimate(estimate)})`,
        fix:
          `add a cost model and price for ${n.type} in aws-facts/pricing, or accept it in policy/config/<stack>.json ` +
          `("monthly-budget": { "acceptedUnpriced": [{ "type": "${n.type}", "reason": "…" }] }) with its expected cost`,
      });
    }

    const byResource = new Map<string, CostLine[]>();
    for (const line of unknownLines) byResource.set(line.urn, [...(byResource.get(line.urn) ?? []), line]);
    for (const [urn, lines] of byResource) {
      const resource = ctx.resources.find((r) => r.urn === urn);
      ctx.report(resource, {
        property: "monthly cost",
        problem:
          `has an unknown price, so the budget of ${formatUsd(budgetUsd)} cannot be verified: ` +
          lines.map((l) => `${l.description}: ${l.reason}`).join("; ") +
          ` (known part of the stack: ${summarizeEstimate(estimate)})`,
        fix:
          "use an instance type (and region) the price file covers, or add the price with `npm run pricing:refresh`, " +
          "or accept the missing price in monthly-budget acceptedUnpriced with a reason, or exempt the resource " +
          "from monthly-budget with a written reason",
      });
    }
  },
});

export const budgetPolicies: readonly PlatformPolicy[] = [monthlyBudget];
