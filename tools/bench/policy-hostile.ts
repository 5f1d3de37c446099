/**
 * `npm run bench:policy` (second part): inputs built to stall a policy pack, each analyzed over gRPC by the
 * compiled pack with the prod config, as one pull request would send them. Wildcard matching is linear and
 * bounded per document, so each must answer within the target; a document larger than IAM accepts is reported
 * as too large to check (fail closed), not read.
 *
 * Target: each case ≤ 100 ms per Analyze (median of --runs, default 5).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { CapturedResource } from "../lib/resource-graph";
import { startPolicyPack } from "../analyzer";
import { AWS_TYPES } from "@ml-platform/aws-facts/type-tokens";

const POLICY_DIR = join(__dirname, "..", "..", "policy");
const TARGET_MS = 100;

function identityPolicy(name: string, statements: unknown[]): CapturedResource {
  const inputs = { policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) };
  return {
    type: AWS_TYPES.iamPolicy,
    name,
    urn: `urn:pulumi:bench::ml-platform::${AWS_TYPES.iamPolicy}::${name}`,
    custom: true,
    dependencies: [],
    propertyDependencies: {},
    inputs,
    outputs: inputs,
    options: {
      protect: false,
      ignoreChanges: [],
      retainOnDelete: false,
      deleteBeforeReplace: false,
      replaceOnChanges: [],
    },
  };
}

/** `*a*a…*b`: exponential for a backtracking regular expression, linear here. */
const starRun = (n: number) => "*a".repeat(n) + "*b";

const CASES: readonly { readonly what: string; readonly resource: CapturedResource }[] = [
  {
    what: "hostile action pattern (301 characters) on Resource *",
    resource: identityPolicy("hostile-action", [{ Effect: "Allow", Action: starRun(150), Resource: "*" }]),
  },
  {
    what: "hostile resource patterns (301 characters) with iam:PassRole, sagemaker:InvokeEndpoint and s3:*",
    resource: identityPolicy("hostile-resource", [
      {
        Effect: "Allow",
        Action: ["iam:PassRole", "sagemaker:InvokeEndpoint", "s3:*"],
        Resource: starRun(150),
      },
    ]),
  },
  {
    what: "200 statements of patterns too wild to decide cheaply (one shared budget)",
    resource: identityPolicy(
      "costly-patterns",
      Array.from({ length: 200 }, (_, i) => ({
        Effect: "Allow",
        Action: ["s3:*", "iam:PassRole"],
        Resource: `*a${"?".repeat(15)}${i}`,
      })),
    ),
  },
  {
    what: "5,000-statement document (reported as too large to check)",
    resource: identityPolicy(
      "five-thousand",
      Array.from({ length: 5000 }, (_, i) => ({
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: `arn:aws:s3:::bucket-${i}/*`,
      })),
    ),
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--runs");
  const runs = i < 0 ? 5 : Number(process.argv[i + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a positive integer");
  if (!existsSync(join(POLICY_DIR, "bin", "index.js"))) {
    throw new Error("policy/bin/index.js is missing: run `npm run build` first");
  }
  const pack = await startPolicyPack({ policyPackDir: POLICY_DIR });
  let missed = 0;
  try {
    await pack.configure(join(POLICY_DIR, "config", "prod.json"));
    await pack.analyze(CASES[0].resource); // warm-up: JIT and the gRPC channel
    for (const { what, resource } of CASES) {
      const times: number[] = [];
      let violations = 0;
      for (let r = 0; r < runs; r++) {
        const started = performance.now();
        violations = (await pack.analyze(resource)).violations.length;
        times.push(performance.now() - started);
      }
      const ms = median(times);
      if (ms > TARGET_MS) missed++;
      console.log(
        `${what}: ${ms.toFixed(1)} ms per Analyze (median of ${runs}; max ${Math.max(...times).toFixed(1)}), ` +
          `${violations} violations, ${(resource.inputs.policy as string).length} characters`,
      );
    }
  } finally {
    await pack.close();
  }
  console.log(`target: each ≤ ${TARGET_MS} ms: ${missed === 0 ? "met" : `MISSED (${missed})`}`);
  if (missed > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
