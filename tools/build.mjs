// Builds the deployable artefacts: the Lambda bundle (dist/lambda/index.mjs) and the compiled policy pack
// (policy/bin/index.js).
// Run with `npm run build`.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export async function buildLambda() {
  mkdirSync(join(root, "dist/lambda"), { recursive: true });
  const result = await build({
    entryPoints: [join(root, "lambda/index.ts")],
    outfile: join(root, "dist/lambda/index.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    // Lambda runs nodejs22.x; node20 keeps the bundle loadable on the local Node 20 as well.
    target: "node20",
    // Without module-first resolution the ESM bundle pulls the SDK's CJS build, which crashes at load
    // with `Dynamic require of "node:https" is not supported`.
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: false,
    metafile: true,
    logLevel: "warning",
  });
  // What each package contributes to the bundle: read by `npm run bench:lambda` (or esbuild.github.io/analyze).
  writeFileSync(join(root, "dist/lambda/meta.json"), JSON.stringify(result.metafile));
  return result;
}

/**
 * Compiles the policy pack to policy/bin/index.js (package.json `main`), so the CLI's runner loads JavaScript and
 * skips its type-checking ts-node pass (10–13 s with TypeScript). The pack's own code, including the shared
 * components/lib parsers, is bundled; @pulumi/* stays external so @pulumi/policy and @pulumi/pulumi are the
 * installed copies the runner itself uses.
 */
export async function buildPolicyPack() {
  return build({
    entryPoints: [join(root, "policy/index.ts")],
    outfile: join(root, "policy/bin/index.js"),
    bundle: true,
    // The runner's own @pulumi/policy and @pulumi/pulumi must be the ones the pack uses (one gRPC server, one
    // UnknownValueError class), and they are policy/package.json's only dependencies; everything else the
    // policies import (zod, the shared parsers) is bundled.
    external: ["@pulumi/*"],
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
  });
}

await Promise.all([buildLambda(), buildPolicyPack()]);
