/**
 * The coverage table of docs/policies.md: every @pulumi/aws resource type that can grant IAM permissions, launch
 * compute or set scaling (enumerated from the SDK, aws-facts/coverage), and the policies that check it, or the
 * advisory report it gets instead.
 */
import { AWS_SDK_VERSION, AWS_SURFACES } from "@ml-platform/aws-facts/coverage/aws-surfaces.generated";
import { OTHER_PROVIDER_PATTERNS } from "@ml-platform/aws-facts/coverage/surfaces";
import type { PlatformPolicy } from "@ml-platform/policy/framework";
import { COVERAGE_POLICY_NAME } from "@ml-platform/policy/policies/coverage";

export function renderCoverageTable(policies: readonly PlatformPolicy[]): string[] {
  const lines = [
    "## Coverage",
    "",
    `Every resource type of @pulumi/aws ${AWS_SDK_VERSION} that can grant IAM permissions to a principal (iam), ` +
      "launch compute with an instance type (compute), or set scaling bounds or behaviour (scaling), found by its " +
      "inputs (tools/lib/aws-sdk-surfaces.ts), and the policies that check it. A type no policy checks is reported " +
      `by [${COVERAGE_POLICY_NAME}](#${COVERAGE_POLICY_NAME}) (advisory).`,
    "",
    "| Type | Surfaces | Checked by |",
    "|---|---|---|",
  ];
  let unchecked = 0;
  for (const entry of AWS_SURFACES) {
    const checkers = policies
      .filter((p) => p.name !== COVERAGE_POLICY_NAME && p.platform.resourceTypes.includes(entry.token))
      .map((p) => `[${p.name}](#${p.name})`);
    if (checkers.length === 0) unchecked++;
    lines.push(
      `| \`${entry.token}\` | ${entry.surfaces.join(", ")} | ${checkers.length > 0 ? checkers.join(", ") : "not checked (advisory report)"} |`,
    );
  }
  lines.push(
    "",
    `${AWS_SURFACES.length} types, ${AWS_SURFACES.length - unchecked} checked, ${unchecked} reported as not checked. ` +
      "Also reported as not checked:",
    "",
    ...OTHER_PROVIDER_PATTERNS.map((p) => `- ${p.what} (\`${p.pattern.source}\`)`),
    "",
  );
  return lines;
}
