/**
 * ARN shapes: what "every resource of a kind" looks like, as IAM globs. A resource pattern in a policy covers
 * every role (every endpoint, every bucket...) when it matches every ARN of that shape, however it is spelled:
 * `arn:aws:iam::123456789012:role/*`, `arn:aws:iam::123456789012:*`, `arn:aws:iam::*ole/*` and `arn:aws:iam::*`
 * all do, because in IAM `*` and `?` also match `/` and `:`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards).
 *
 * Formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html and each service's "Resource
 * types defined by" table in the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 * A name is at least one character (`?*`); S3 bucket names at least three
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
 */
import { globCoversWork } from "./glob";

export interface ArnShape {
  /** What the shape stands for, in messages: "every IAM role". */
  readonly kind: string;
  /** ARN template: `{partition}`, `{region}`, `{account}` are filled per pattern, the rest is a glob. */
  readonly template: string;
}

/** Kinds whose "every one of them" a policy must not grant by accident. */
export const ARN_SHAPES = {
  iamRole: { kind: "every IAM role", template: "arn:{partition}:iam::{account}:role/?*" },
  iamUser: { kind: "every IAM user", template: "arn:{partition}:iam::{account}:user/?*" },
  iamGroup: { kind: "every IAM group", template: "arn:{partition}:iam::{account}:group/?*" },
  iamPolicy: { kind: "every IAM policy", template: "arn:{partition}:iam::{account}:policy/?*" },
  iamInstanceProfile: {
    kind: "every instance profile",
    template: "arn:{partition}:iam::{account}:instance-profile/?*",
  },
  sagemakerEndpoint: {
    kind: "every SageMaker endpoint",
    template: "arn:{partition}:sagemaker:{region}:{account}:endpoint/?*",
  },
  sagemakerEndpointConfig: {
    kind: "every SageMaker endpoint configuration",
    template: "arn:{partition}:sagemaker:{region}:{account}:endpoint-config/?*",
  },
  sagemakerModel: {
    kind: "every SageMaker model",
    template: "arn:{partition}:sagemaker:{region}:{account}:model/?*",
  },
  sagemakerNotebook: {
    kind: "every SageMaker notebook instance",
    template: "arn:{partition}:sagemaker:{region}:{account}:notebook-instance/?*",
  },
  sagemakerTrainingJob: {
    kind: "every SageMaker training job",
    template: "arn:{partition}:sagemaker:{region}:{account}:training-job/?*",
  },
  s3Bucket: { kind: "every S3 bucket", template: "arn:{partition}:s3:::???*" },
  s3Object: { kind: "every object in every S3 bucket", template: "arn:{partition}:s3:::???*/?*" },
  lambdaFunction: {
    kind: "every Lambda function",
    template: "arn:{partition}:lambda:{region}:{account}:function:?*",
  },
  kmsKey: { kind: "every KMS key", template: "arn:{partition}:kms:{region}:{account}:key/?*" },
  logGroup: {
    kind: "every CloudWatch log group",
    template: "arn:{partition}:logs:{region}:{account}:log-group:?*",
  },
  ecrRepository: {
    kind: "every ECR repository",
    template: "arn:{partition}:ecr:{region}:{account}:repository/?*",
  },
} as const satisfies Record<string, ArnShape>;

/** Every resource of one service, whatever its type: `arn:aws:sagemaker:us-east-1:123456789012:*`. */
export const SERVICE_WIDE_SHAPE: ArnShape = {
  kind: "every resource of the service",
  template: "arn:{partition}:{service}:{region}:{account}:?*",
};

/** Values tried for a field the pattern leaves open or spells differently, besides the pattern's own field. */
const FIELD_DEFAULTS = {
  partition: "aws",
  service: "s3",
  region: "us-east-1",
  account: "123456789012",
} as const;
type Field = keyof typeof FIELD_DEFAULTS;
const FIELD_INDEX: Record<Field, number> = { partition: 1, service: 2, region: 3, account: 4 };

/**
 * Longest resource pattern whose coverage is computed. Real ARNs are far shorter (IAM role names are at most 64
 * characters, paths 512); a longer pattern is answered "covers" (the cautious side), so no input can make the
 * check slow.
 */
export const MAX_COVERAGE_PATTERN_LENGTH = 640;
/** Most wildcards (`*`, `?`) in a pattern whose coverage is computed; real patterns have a handful. */
export const MAX_COVERAGE_PATTERN_WILDCARDS = 16;
/** Total glob work spent on one pattern before it is answered "covers". */
export const COVERAGE_WORK_LIMIT = 4_000;

/** Glob work one document may spend on coverage questions; what is left over is answered "covers". */
export const DOCUMENT_COVERAGE_WORK_LIMIT = 10_000;

/** Work left for coverage questions about one document (shared by all its patterns). */
export interface CoverageBudget {
  remaining: number;
}

export function newCoverageBudget(limit = DOCUMENT_COVERAGE_WORK_LIMIT): CoverageBudget {
  return { remaining: limit };
}

export interface ShapeCoverage {
  /** The shape covered, when the pattern covers one. */
  readonly shape?: ArnShape;
  /** True when the pattern was too long, too wild or too costly to decide, and is treated as covering. */
  readonly undecided: boolean;
  /** Glob work spent. */
  readonly work: number;
}

/**
 * The first of `shapes` that `pattern` covers for some partition, region and account ("every role of account
 * 123456789012" is every role as far as a grant is concerned). The fields are tried as the pattern spells them
 * (split at colons, globs kept) and, when a wildcard precedes them (a star may span several fields), with a
 * default too. Work is bounded per pattern and by `budget` across a document; a question left undecided is
 * answered with the first shape (the cautious side).
 */
export function coveredShape(
  pattern: string,
  shapes: readonly ArnShape[],
  budget: CoverageBudget = newCoverageBudget(),
): ShapeCoverage {
  const p = pattern.trim();
  // Without a wildcard a pattern names one ARN, and every shape stands for many.
  if (!/[*?]/.test(p)) return { undecided: false, work: 0 };
  const wildcards = [...p].filter((c) => c === "*" || c === "?").length;
  if (p.length > MAX_COVERAGE_PATTERN_LENGTH || wildcards > MAX_COVERAGE_PATTERN_WILDCARDS) {
    return { shape: shapes[0], undecided: true, work: 0 };
  }
  const fields = p.split(":");
  const choices = (field: Field) => {
    const index = FIELD_INDEX[field];
    const own = fields[index] ?? "";
    const aligned = index < fields.length - 1 && !/[*?]/.test(fields.slice(0, index + 1).join(":"));
    return aligned ? [own] : [...new Set([own, FIELD_DEFAULTS[field]])];
  };
  let work = 0;
  const limit = Math.min(COVERAGE_WORK_LIMIT, budget.remaining);
  const result = (shape: ArnShape | undefined, undecided: boolean): ShapeCoverage => {
    budget.remaining = Math.max(0, budget.remaining - work);
    return { shape, undecided, work };
  };
  for (const shape of shapes) {
    for (const partition of choices("partition"))
      for (const service of shape.template.includes("{service}") ? choices("service") : [""])
        for (const region of shape.template.includes("{region}") ? choices("region") : [""])
          for (const account of shape.template.includes("{account}") ? choices("account") : [""]) {
            const concrete = shape.template
              .replace("{partition}", partition)
              .replace("{service}", service)
              .replace("{region}", region)
              .replace("{account}", account);
            const answer = globCoversWork(p, concrete, limit - work);
            work += answer.work;
            if (answer.undecided || work > limit) return result(shape, true);
            if (answer.covered) return result(shape, false);
          }
  }
  return result(undefined, false);
}

/**
 * What "every resource of a service" looks like: the service-wide shape, and for S3, whose bucket and object ARNs
 * carry no resource type, every bucket and every object.
 */
export const SERVICE_WIDE_SHAPES: readonly ArnShape[] = [
  SERVICE_WIDE_SHAPE,
  ARN_SHAPES.s3Bucket,
  ARN_SHAPES.s3Object,
];
