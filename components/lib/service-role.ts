/**
 * The one way the components create an IAM role: a role that one AWS service assumes, with one inline policy.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy, type ServicePrincipal } from "@ml-platform/aws-facts/iam-policies";

export interface ServiceRoleArgs {
  /** The AWS service that assumes the role (its trust policy names only this principal). */
  readonly service: ServicePrincipal;
  readonly description: string;
  /** The inline policy document as JSON, usually from `renderPolicy`. */
  readonly policy: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

export interface ServiceRole {
  readonly role: aws.iam.Role;
  /** The inline policy. Whatever runs as the role must `dependsOn` it (IAM propagation). */
  readonly policy: aws.iam.RolePolicy;
}

/**
 * Creates `<baseName>-role` (auto-named `<baseName>-role-<7 hex>`, so `baseName` must leave room within IAM's 64
 * characters: see `checkIamRoleBaseName`) and its inline policy `<baseName>-policy`, both children of `parent`.
 */
export function createServiceRole(
  parent: pulumi.Resource,
  baseName: string,
  args: ServiceRoleArgs,
): ServiceRole {
  const role = new aws.iam.Role(
    `${baseName}-role`,
    {
      description: args.description,
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy(args.service)),
      tags: args.tags,
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${baseName}-policy`,
    { role: role.name, policy: args.policy },
    { parent },
  );
  return { role, policy };
}
