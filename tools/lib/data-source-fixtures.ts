/**
 * Loads and validates the data-source fixture file (tools/preview/fixtures.yaml by default) that answers the
 * program's invokes under the mock runtime. The file is user-editable, so it is validated with zod and a bad edit is
 * reported with the field and the rule rather than surfacing later as an odd ARN.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** The fixture file shipped with the repo. */
export const DEFAULT_FIXTURES_PATH = join(__dirname, "..", "preview", "fixtures.yaml");

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");

const fixturesSchema = z
  .object({
    callerIdentity: z
      .object({
        accountId,
        arn: z.string().min(1),
        userId: z.string().min(1),
      })
      .strict(),
    partition: z.enum(["aws", "aws-cn", "aws-us-gov"]),
    defaultRegion: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as us-east-1"),
    ssmParameters: z
      .array(
        z
          .object({
            name: z.string().min(1),
            type: z.enum(["String", "StringList", "SecureString"]).default("String"),
            value: z.string(),
          })
          .strict(),
      )
      .default([]),
    ami: z
      .object({
        id: z.string().regex(/^ami-[0-9a-f]{8,17}$/, "must be an AMI id (ami-…)"),
        name: z.string(),
        architecture: z.string().default("x86_64"),
        ownerId: accountId,
      })
      .strict()
      .optional(),
    prebuiltEcrImages: z
      .record(
        z.string(),
        z.object({ default: accountId, regions: z.record(z.string(), accountId).default({}) }).strict(),
      )
      .default({}),
    // null: the region has no default VPC (as under AWS Control Tower).
    defaultVpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id (vpc-…)")
      .nullable()
      .default("vpc-0a1b2c3d4e5f60718"),
  })
  .strict();

export type DataSourceFixtures = z.infer<typeof fixturesSchema>;

/** Thrown when the fixture file is missing or invalid; the runner reports it as a setup error. */
export class FixturesError extends Error {
  override name = "FixturesError";
}

export function parseFixtures(text: string, source: string): DataSourceFixtures {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new FixturesError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = fixturesSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((issue) => `  ${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
      .join("\n");
    throw new FixturesError(`${source}: invalid data-source fixtures:\n${details}`);
  }
  return parsed.data;
}

export function loadFixtures(path: string = DEFAULT_FIXTURES_PATH): DataSourceFixtures {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new FixturesError(`cannot read data-source fixtures ${path}: ${(err as Error).message}`);
  }
  return parseFixtures(text, path);
}
