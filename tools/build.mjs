// Builds the deployable artefacts: the Lambda bundle (dist/lambda/index.mjs).
// Run with `npm run build`.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export async function buildLambda() {
  mkdirSync(join(root, "dist/lambda"), { recursive: true });
  return build({
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
}

await buildLambda();
