/**
 * Physical naming rules shared by the components, the program and the IAM documents.
 *
 * Most resources are auto-named by Pulumi (logical name plus a random suffix), which is what lets a replacement
 * create the new resource before deleting the old one. A few names have to be known before the resource exists:
 * the SageMaker endpoint (its CloudWatch rollback alarm names it, and its name carries the variant shape; see
 * {@link endpointNameFor}) and the Lambda function (its log group is created up front from the name).
 */
import { createHash } from "node:crypto";

/** SageMaker's rule for endpoint, model, notebook-instance and job names. */
export const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** Lambda's rule for an unqualified function name. */
export const LAMBDA_FUNCTION_NAME_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;
/** A SageMaker-compatible project prefix: lower case (SageMaker ARNs are always lower case), letters, digits, '-'. */
export const NAME_PREFIX_PATTERN = /^[a-z0-9](-?[a-z0-9])*$/;
// 33, so that every name the program derives from it fits once Pulumi adds `-<7 hex>`: the longest is the notebook's
// training role, `<prefix>-notebook-training-role-<7 hex>`, 33 + 31 = IAM's 64 (SageMaker's 63 is met with room).
export const NAME_PREFIX_MAX_LENGTH = 33;

/**
 * The project's name prefix, `<project>-<stack>` in lower case with anything SageMaker rejects turned into '-'.
 * Resources the notebook may create (training jobs, models, endpoints) must start with it, so its IAM policy can be
 * scoped to `…:training-job/<prefix>*`. SageMaker lower-cases ARNs, so a mixed-case prefix would never match.
 */
export function projectNamePrefix(project: string, stack: string): string {
  const slug = `${project}-${stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.slice(0, NAME_PREFIX_MAX_LENGTH).replace(/-+$/, "");
}

/** What determines whether an endpoint update is possible in place (see {@link endpointNameFor}). */
export interface VariantShape {
  /** Instance type of each production variant, by variant name. */
  readonly variants: Readonly<Record<string, string>>;
  /**
   * Whether the endpoint has auto-rollback alarms. The provider replaces an Endpoint when
   * `deploymentConfig.autoRollbackConfiguration` is added or removed (terraform-provider-aws
   * internal/service/sagemaker/endpoint.go marks it ForceNew), so turning blue/green on or off must change the name
   * too, or the replacement would collide with the live endpoint's name. Default: false.
   */
  readonly autoRollback?: boolean;
}

/** A short, stable digest of the variant shape: the same shape always gives the same suffix. */
export function variantShapeDigest(shape: VariantShape): string {
  const canonical =
    Object.keys(shape.variants)
      .sort()
      .map((variant) => `${variant}=${shape.variants[variant]}`)
      .join(";") + (shape.autoRollback ? ";auto-rollback" : "");
  return createHash("sha256").update(canonical).digest("hex").slice(0, 8);
}

/**
 * The endpoint's physical name: `<base>-<digest of the variant shape>`.
 *
 * Why: Application Auto Scaling registers the variant (`endpoint/<name>/variant/AllTraffic`) as a scalable
 * target, and UpdateEndpoint refuses to change the instance type of, or remove, a variant that is a scalable
 * target. Deriving the name from the shape turns such a change into a name change, which Pulumi performs as a
 * create-before-delete replacement: a new endpoint (with a new, non-colliding name) and a new scalable target are
 * created, the Lambda is repointed, and only then are the old target, policy and endpoint deleted. Any other
 * change (model artifact, image, counts) keeps the name and goes through UpdateEndpoint (blue/green in prod).
 */
export function endpointNameFor(base: string, shape: VariantShape): string {
  return `${endpointNamePrefix(base)}${variantShapeDigest(shape)}`;
}

/** Length of the shape digest that ends every endpoint name. */
const SHAPE_DIGEST_LENGTH = 8;

/**
 * What every generation of the endpoint's name starts with: the lower-cased base (trimmed so the name fits
 * SageMaker's 63 characters) and a hyphen. IAM grants on `…:endpoint/<prefix>*` therefore survive a replacement.
 */
export function endpointNamePrefix(base: string): string {
  const maxBase = 63 - SHAPE_DIGEST_LENGTH - 1;
  return `${base.toLowerCase().slice(0, maxBase).replace(/-+$/, "")}-`;
}
