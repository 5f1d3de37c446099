// Builds the deployable artefacts: the Lambda bundle (dist/lambda/index.mjs), the compiled policy pack
// (policy/bin/index.js) and the compiled components package (components/plugin/bin/index.js).
// Run with `npm run build`.
import { build } from "esbuild";
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Modules the SDK's Node runtime config imports but a Lambda function never runs, each bundled as a smaller
 * module that keeps what Lambda does use. Every entry names the import it replaces (matched exactly, wherever it
 * is imported from) and the file bundled instead, which says why that is safe and exports what the SDK imports
 * (esbuild fails the build if an import finds no matching export).
 * `test/lambda/bundle-cuts.test.ts` checks that the replaced code is absent and the function still works.
 */
export const LAMBDA_MODULE_REPLACEMENTS = [
  {
    // The default credential chain (SSO, ini files, credential_process, web identity, container and instance
    // metadata, and the STS, SSO and sign-in clients behind them): Lambda's credentials are in the environment.
    module: "@aws-sdk/credential-provider-node",
    replacement: "lambda/sdk-cuts/credentials-from-env.ts",
  },
  {
    // Event-stream encoding and decoding, for InvokeEndpointWithResponseStream only (and, through its CRC32,
    // node:zlib): the function sends InvokeEndpoint.
    module: "@smithy/core/event-streams",
    replacement: "lambda/sdk-cuts/no-event-streams.ts",
  },
];

/** An esbuild plugin that resolves each `module` of {@link LAMBDA_MODULE_REPLACEMENTS} to its replacement. */
export function replaceModules(replacements = LAMBDA_MODULE_REPLACEMENTS) {
  const byModule = new Map(replacements.map((entry) => [entry.module, join(root, entry.replacement)]));
  const escaped = [...byModule.keys()].map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return {
    name: "lambda-module-replacements",
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(?:${escaped.join("|")})$`) }, (args) => ({
        path: byModule.get(args.path),
      }));
    },
  };
}

/**
 * An esbuild plugin that loads Node's built-in modules with `process.getBuiltinModule` (Node ≥ 20.16 and 22.3,
 * https://nodejs.org/api/process.html#processgetbuiltinmoduleid) instead of `import "node:…"`. An ES module
 * import of a built-in builds an ES module facade that reads every export once, and the getters among them load
 * more of Node: `node:process` loads the diagnostic report and the stdio streams, `node:crypto` the Web Crypto
 * API, `node:fs` the promises API. The bundle then pays those at import, where a CommonJS `require` (what the SDK
 * loaded from node_modules does) would not. The built-in is wrapped as a CommonJS module, so esbuild reads each
 * export when it is used.
 */
export function builtinsWithoutFacade() {
  return {
    name: "builtins-without-esm-facade",
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-builtin" }));
      b.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => ({
        contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

/** The Lambda bundle's esbuild options (also used by `npm run bench:lambda` to build its variants). */
export const lambdaBuildOptions = {
  // Paths in meta.json relative to the repository root, wherever the build is started from.
  absWorkingDir: root,
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
  plugins: [replaceModules(), builtinsWithoutFacade()],
  // builtinsWithoutFacade needs process.getBuiltinModule; say so at load rather than fail on its first use.
  banner: {
    js:
      'if (typeof process.getBuiltinModule !== "function") throw new Error("the inference function needs ' +
      'Node.js 20.16 or later (22.3 or later on Node 22): process.getBuiltinModule is missing");',
  },
  minify: true,
  sourcemap: false,
  metafile: true,
  logLevel: "warning",
};

export async function buildLambda() {
  mkdirSync(join(root, "dist/lambda"), { recursive: true });
  const result = await build(lambdaBuildOptions);
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

/**
 * Compiles the components package to components/plugin/bin/index.js (the plugin folder's package.json `main`), so
 * `@pulumi/pulumi/cmd/run-plugin` loads JavaScript instead of type-checking the sources with ts-node on every start
 * (`npm run bench:package` measures both). As for the policy pack, @pulumi/* stays external: the component classes
 * must extend the runner's own ComponentResource. The schema is still inferred from the TypeScript sources
 * (components/plugin/index.ts and what it re-exports).
 */
export const componentsPluginBuildOptions = {
  entryPoints: [join(root, "components/plugin/index.ts")],
  outfile: join(root, "components/plugin/bin/index.js"),
  bundle: true,
  // The package.json is only looked up at run time (require.resolve) to find the Lambda bundle's directory.
  external: ["@pulumi/*", "@ml-platform/inference-function/package.json"],
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
};

export async function buildComponentsPlugin() {
  return build(componentsPluginBuildOptions);
}

// Builds when run (`node tools/build.mjs`), not when `npm run bench:lambda` imports the Lambda options. Real
// paths, since the ES module loader resolves symlinks and process.argv[1] does not.
const runDirectly =
  process.argv[1] !== undefined &&
  realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (runDirectly) await Promise.all([buildLambda(), buildPolicyPack(), buildComponentsPlugin()]);
