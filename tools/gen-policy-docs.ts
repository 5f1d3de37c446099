/**
 * Generates docs/policies.md from the policies' own metadata (description, severity, remediation, config schema,
 * unknown-value behaviour) and the per-environment config in policy/config/<stack>.json, so these docs cannot
 * drift from the code: test/policy/docs.test.ts fails when the committed file is stale.
 *
 *   npm run docs:policies            # rewrite docs/policies.md
 *   npm run docs:policies -- --check # exit 1 when it is out of date
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { allPolicies } from "@ml-platform/policy/policies";
import { renderCoverageTable } from "./lib/coverage-table";
import {
  listPolicyConfigStacks,
  policyPackConfigSource,
  readStackPolicyConfig,
  reconcilePolicyConfig,
  type PolicyConfig,
} from "./analyzer/policy-config";
import {
  EXEMPTION_TAG_PREFIX,
  POLICY_DOCS_PATH,
  type ConfigProperty,
  type PlatformPolicy,
} from "@ml-platform/policy/framework";

const ROOT = join(__dirname, "..");
/** The pack's name and default level, as policy/index.ts constructs it. */
const PACK_NAME = "ml-platform";
const PACK_DEFAULT_LEVEL = "advisory";

/** Each stack's policy config, keyed by stack name in column order. */
export type StackPolicyConfigs = Readonly<Record<string, PolicyConfig>>;

/**
 * The policy config of every stack with a file in policy/config/, validated against the policies' schemas as
 * Configure validates it: the docs are never generated from a config the CLI would reject.
 */
export function readStackPolicyConfigs(
  policies: readonly PlatformPolicy[] = allPolicies,
): StackPolicyConfigs {
  const pack = policyPackConfigSource(PACK_NAME, policies, PACK_DEFAULT_LEVEL);
  const configs: Record<string, PolicyConfig> = {};
  for (const stack of listPolicyConfigStacks()) {
    configs[stack] = readStackPolicyConfig(stack);
    reconcilePolicyConfig(pack, configs[stack]);
  }
  return configs;
}

/** The level in effect, as the CLI resolves it: the policy's entry, else `all`, else the policy's own level. */
export function effectiveLevel(policy: PlatformPolicy, config: PolicyConfig): string {
  return config.entryFor(policy.name).enforcementLevel ?? policy.enforcementLevel ?? PACK_DEFAULT_LEVEL;
}

/** The config properties a stack sets for a policy (without enforcementLevel). */
export function configuredProperties(policy: PlatformPolicy, config: PolicyConfig): Record<string, unknown> {
  return { ...(config.entries[policy.name]?.properties ?? {}) };
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (value: unknown) => `\`${JSON.stringify(value)}\``;

function schemaType(prop: ConfigProperty): string {
  const type = Array.isArray(prop.type) ? prop.type.join(" \\| ") : (prop.type ?? "any");
  if (type === "array" && prop.items && typeof prop.items === "object" && !Array.isArray(prop.items)) {
    return `${prop.items.type ?? "any"}[]`;
  }
  return type;
}

function renderConfig(policy: PlatformPolicy, stackConfigs: StackPolicyConfigs): string[] {
  const stacks = Object.keys(stackConfigs);
  const lines = [
    `| Property | Type | Default | ${stacks.join(" | ")} | Description |`,
    `|---|---|---|${stacks.map(() => "---|").join("")}---|`,
  ];
  for (const [key, prop] of Object.entries(policy.platform.config)) {
    const perStack = stacks.map((stack) => {
      const props = configuredProperties(policy, stackConfigs[stack]);
      return key in props ? code(props[key]) : "default";
    });
    lines.push(
      `| \`${key}\` | ${schemaType(prop)} | ${code(prop.default)} | ${perStack.join(" | ")} | ${cell(prop.description)} |`,
    );
  }
  return lines;
}

function renderPolicy(policy: PlatformPolicy, stackConfigs: StackPolicyConfigs): string[] {
  const meta = policy.platform.metadata;
  const levels = Object.keys(stackConfigs)
    .map((stack) => `${stack}: **${effectiveLevel(policy, stackConfigs[stack])}**`)
    .join(", ");
  const lines = [
    `### ${policy.name}`,
    "",
    meta.description,
    "",
    `- **Kind:** ${policy.platform.kind === "resource" ? "resource policy (inputs)" : "stack policy (outputs, dependencies)"}`,
    `- **Severity:** ${meta.severity}`,
    `- **Level:** default **${meta.enforcementLevel}**; ${levels}`,
  ];
  if (policy.platform.resourceTypes.length > 0) {
    lines.push(`- **Resource types:** ${policy.platform.resourceTypes.map((t) => `\`${t}\``).join(", ")}`);
  }
  lines.push(
    `- **Unknown values during preview:** ${meta.unknownValues.behaviour}. ${meta.unknownValues.detail}`,
  );
  if (meta.checks?.length) {
    lines.push("", "What is checked:", "", ...meta.checks.map((c) => `- ${c}`));
  }
  lines.push("", `**Remediation.** ${meta.remediationSteps}`);
  const automatic = policy.platform.remediation;
  if (automatic) {
    lines.push(
      "",
      `**Automatic remediation** (off unless a stack sets \`"enforcementLevel": "remediate"\`; ` +
        `${automatic.types.map((t) => `\`${t}\``).join(", ")}): ${automatic.summary}`,
    );
  }
  lines.push("", "**Config.**", "", ...renderConfig(policy, stackConfigs));
  lines.push(
    "",
    `**Exempt a resource** with the tag \`${EXEMPTION_TAG_PREFIX}${policy.name}\` = *reason*, or in ` +
      `policy/config/<stack>.json: \`"${policy.name}": { "exemptions": [{ "resource": "<name or URN>", "reason": "…" }] }\`.`,
    "",
  );
  return lines;
}

/** The whole of docs/policies.md. */
export function renderPolicyDocs(
  policies: readonly PlatformPolicy[] = allPolicies,
  stackConfigs: StackPolicyConfigs = readStackPolicyConfigs(),
): string {
  const stacks = Object.keys(stackConfigs);
  const families = [...new Set(policies.map((p) => p.platform.metadata.family))];
  const remediatingPolicies = policies.filter((p) => p.platform.remediation);
  const lines = [
    "<!-- Generated by tools/gen-policy-docs.ts from the policies' metadata and policy/config/*.json. Do not edit: run `npm run docs:policies`. -->",
    "",
    "# Policy reference",
    "",
    `The ml-platform policy pack (\`policy/\`) has ${policies.length} policies. Must-have rules (IAM, autoscaling, ` +
      "instance sizes) are mandatory by default; hardening rules are advisory by default and mandatory in " +
      "`policy/config/prod.json`. Run it with the Pulumi CLI:",
    "",
    "```sh",
    "npm run build   # compiles the pack to policy/bin/index.js (package.json main)",
    "pulumi preview --stack prod --policy-pack policy --policy-pack-config policy/config/prod.json",
    "```",
    "",
    "**Exemptions.** A resource is exempted from one policy by the tag " +
      `\`${EXEMPTION_TAG_PREFIX}<policy-name>\` whose value is the reason, or by a config entry ` +
      '`"<policy-name>": { "exemptions": [{ "resource": "<logical name or URN>", "reason": "…" }] }`. ' +
      "Resources without tags (IAM attachments, for example) use the config form, as do reasons with characters " +
      "AWS tag values reject (IAM accepts only letters, digits, spaces and `+ - = . _ : / @`). An exemption without a " +
      "non-empty reason is not honoured and is itself reported as a violation; a tag naming no policy is reported " +
      "by `exemption-tag-unknown-policy`.",
    "",
    "**Unknown values.** During `pulumi preview`, values computed from resources not yet created are unknown. Each " +
      "policy states its behaviour: *fail-closed* reports the unknown field as a violation; *defer* skips the check " +
      'during preview (the CLI shows it as an advisory "can\'t run policy during preview") and runs it on the known ' +
      "value during `pulumi up`.",
    "",
    "**Config.** Every property has a default, which the CLI fills in. Values set in `policy/config/<stack>.json` " +
      "are shown per stack.",
    "",
    "**Automatic remediation.** Some policies can fix a resource instead of rejecting it: " +
      `${remediatingPolicies.length ? remediatingPolicies.map((p) => `[${p.name}](#${p.name})`).join(", ") : "none"}. ` +
      "It is off by default. A stack turns it on per policy by setting that policy's level to remediate in " +
      '`policy/config/<stack>.json` (`"ec2-imdsv2-required": { "enforcementLevel": "remediate" }`). The engine then ' +
      "calls the pack's Remediate for each resource before Analyze and deploys the remediated inputs, and the " +
      "preview shows each remediation as a change. Each remediation returns the whole property bag with only " +
      "its fix applied: it runs only on a resource the policy reports, never on an exempt one or under an invalid " +
      "config, and it never weakens a value. Whatever it cannot fix (an unknown value during preview, a setting " +
      "it leaves alone) is still reported, because Analyze treats a policy at the remediate level as " +
      "**mandatory**. A stack policy is judged at the end as mandatory too. Setting remediate on a policy without " +
      "a remediation only makes it mandatory.",
    "",
    "**Peer packs.** How these rules compare with Pulumi's AWSGuard, Checkov and cdk-nag on the resource types the " +
      "stacks use, and the peer rules deliberately not adopted (with why): " +
      "[policy-comparison.md](policy-comparison.md).",
    "",
    "## Summary",
    "",
    `| Policy | Family | Severity | ${stacks.join(" | ")} | What it checks |`,
    `|---|---|---|${stacks.map(() => "---|").join("")}---|`,
  ];
  for (const policy of policies) {
    const meta = policy.platform.metadata;
    lines.push(
      `| [${policy.name}](#${policy.name}) | ${meta.family} | ${meta.severity} | ` +
        `${stacks.map((s) => effectiveLevel(policy, stackConfigs[s])).join(" | ")} | ${cell(meta.description)} |`,
    );
  }
  lines.push("");
  for (const family of families) {
    lines.push(`## ${family}`, "");
    for (const policy of policies.filter((p) => p.platform.metadata.family === family)) {
      lines.push(...renderPolicy(policy, stackConfigs));
    }
  }
  lines.push(...renderCoverageTable(policies));
  return `${lines.join("\n").trimEnd()}\n`;
}

export const DOCS_FILE = join(ROOT, POLICY_DOCS_PATH);
export const README_FILE = join(ROOT, "README.md");
const SUMMARY_START = "<!-- policy-summary: generated by npm run docs:policies -->";
const SUMMARY_END = "<!-- /policy-summary -->";

/** The label of a group of policies with the same level in every stack, e.g. "advisory in dev, mandatory in prod". */
function levelGroupLabel(stacks: readonly string[], levels: readonly string[]): string {
  return new Set(levels).size === 1
    ? `${levels[0]} in every stack`
    : levels.map((level, i) => `${level} in ${stacks[i]}`).join(", ");
}

/**
 * The policy summary for README.md: one bullet per combination of per-stack levels, naming its policies in pack
 * order, each linked to its section of docs/policies.md (which also holds the full table).
 */
export function renderReadmeSummary(
  policies: readonly PlatformPolicy[] = allPolicies,
  stackConfigs: StackPolicyConfigs = readStackPolicyConfigs(),
): string {
  const stacks = Object.keys(stackConfigs);
  const groups = new Map<string, string[]>();
  for (const policy of policies) {
    const label = levelGroupLabel(
      stacks,
      stacks.map((s) => effectiveLevel(policy, stackConfigs[s])),
    );
    groups.set(label, [...(groups.get(label) ?? []), policy.name]);
  }
  const lines = [...groups].map(
    ([label, names]) =>
      `- **${label}** (${names.length}): ${names.map((n) => `[\`${n}\`](${POLICY_DOCS_PATH}#${n})`).join(", ")}`,
  );
  return lines.join("\n");
}

/** The summary formatted as `prettier --check` expects. */
export async function formattedReadmeSummary(summary = renderReadmeSummary()): Promise<string> {
  const options = (await prettier.resolveConfig(README_FILE)) ?? {};
  return (await prettier.format(summary, { ...options, parser: "markdown" })).trimEnd();
}

/** The text between the README's summary markers, or undefined when the markers are missing. */
export function readmeSummaryBlock(readme: string): string | undefined {
  const start = readme.indexOf(SUMMARY_START);
  const end = readme.indexOf(SUMMARY_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + SUMMARY_START.length, end);
}

/** README.md with only the text between the summary markers replaced. */
export async function readmeWithSummary(readme: string): Promise<string | undefined> {
  if (readmeSummaryBlock(readme) === undefined) return undefined;
  const start = readme.indexOf(SUMMARY_START) + SUMMARY_START.length;
  const end = readme.indexOf(SUMMARY_END);
  return `${readme.slice(0, start)}\n\n${await formattedReadmeSummary()}\n\n${readme.slice(end)}`;
}

async function main(): Promise<void> {
  const expected = renderPolicyDocs();
  const readme = readFileSync(README_FILE, "utf8");
  const expectedReadme = await readmeWithSummary(readme);
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(DOCS_FILE, "utf8");
    } catch {
      // missing counts as stale
    }
    const stale = [
      ...(current !== expected ? [POLICY_DOCS_PATH] : []),
      ...(expectedReadme !== undefined && expectedReadme !== readme ? ["README.md (policy summary)"] : []),
    ];
    if (stale.length > 0) {
      console.error(`${stale.join(" and ")} out of date: run \`npm run docs:policies\`.`);
      process.exit(1);
    }
    console.log(`${POLICY_DOCS_PATH} is up to date.`);
  } else {
    writeFileSync(DOCS_FILE, expected);
    if (expectedReadme !== undefined && expectedReadme !== readme) writeFileSync(README_FILE, expectedReadme);
    console.log(`wrote ${POLICY_DOCS_PATH} (${allPolicies.length} policies) and the README policy summary`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
