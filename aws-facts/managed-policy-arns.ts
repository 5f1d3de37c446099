/**
 * AWS-managed policy ARNs (`arn:<partition>:iam::aws:policy/<path/>Name`): parsed in every partition, and matched
 * by name against the patterns of policies that grant full or administrative access.
 */
import { globMatches } from "./glob";

/** An AWS-managed policy ARN, split: partition, path and name. */
export interface ManagedPolicyArn {
  readonly partition: string;
  /** Path between `policy/` and the name, e.g. `service-role/` (empty for the root path). */
  readonly path: string;
  readonly name: string;
}

/**
 * Parses an AWS-managed policy ARN (`arn:<partition>:iam::aws:policy/<path/>Name`) in any partition (aws,
 * aws-cn, aws-us-gov, the ISO partitions). Returns undefined for customer-managed ARNs and anything else.
 */
export function parseAwsManagedPolicyArn(arn: string): ManagedPolicyArn | undefined {
  const match = /^arn:(?<partition>aws[a-z-]*):iam::aws:policy\/(?<rest>.+)$/i.exec(arn.trim());
  if (!match?.groups) return undefined;
  const rest = match.groups.rest;
  const slash = rest.lastIndexOf("/");
  return {
    partition: match.groups.partition.toLowerCase(),
    path: slash >= 0 ? rest.slice(0, slash + 1) : "",
    name: slash >= 0 ? rest.slice(slash + 1) : rest,
  };
}

/** The AWS-managed policies that grant full or administrative access, as name patterns. */
export const BROAD_MANAGED_POLICY_PATTERNS: readonly string[] = [
  "*FullAccess*",
  "AdministratorAccess*",
  "PowerUserAccess*",
];

/** The first of `patterns` that an AWS-managed policy ARN's name matches (case-insensitive), if any. */
export function broadManagedPolicyMatch(
  arn: string,
  patterns: readonly string[] = BROAD_MANAGED_POLICY_PATTERNS,
): { policy: ManagedPolicyArn; pattern: string } | undefined {
  const policy = parseAwsManagedPolicyArn(arn);
  if (!policy) return undefined;
  const pattern = patterns.find((p) => globMatches(p, policy.name));
  return pattern === undefined ? undefined : { policy, pattern };
}
