// The folder the Pulumi CLI is given (components/plugin): PulumiPlugin.yaml for the Node.js runtime, a package.json
// the runner derives the package name and version from, and a `main` compiled by `npm run build` that exports the
// same components as the TypeScript sources the program imports.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import * as sources from "@ml-platform/components";
import { buildComponentsPlugin } from "../support/component-plugin";

const ROOT = join(__dirname, "..", "..", "..");
const PLUGIN_DIR = join(ROOT, "components", "plugin");
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

describe("components package: the plugin folder", () => {
  const plugin = manifest(PLUGIN_DIR);
  const workspace = manifest(join(ROOT, "components"));
  before(buildComponentsPlugin);

  it("declares a Node.js plugin", () => {
    assert.deepEqual(parse(readFileSync(join(PLUGIN_DIR, "PulumiPlugin.yaml"), "utf8")), {
      runtime: "nodejs",
    });
  });

  it("has the workspace package's name, version and description, which the schema is derived from", () => {
    assert.equal(plugin.name, workspace.name);
    assert.equal(plugin.version, workspace.version);
    assert.equal(plugin.description, workspace.description);
  });

  it("depends on the same @pulumi packages as the components, the only ones left out of the bundle", () => {
    for (const name of ["@pulumi/aws", "@pulumi/pulumi"])
      assert.equal(plugin.dependencies[name], workspace.dependencies[name], name);
  });

  it("points main at a JavaScript bundle, so the runner does not type-check on start", () => {
    assert.match(plugin.main, /\.js$/);
    assert.ok(existsSync(join(PLUGIN_DIR, plugin.main)), `${plugin.main} is missing: run npm run build`);
  });

  it("exports from the bundle what the TypeScript sources export", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiled = require(join(PLUGIN_DIR, plugin.main)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(compiled).sort(), Object.keys(sources).sort());
    for (const name of [
      "ProjectBucket",
      "NotebookInstance",
      "TrainingHost",
      "ScalableEndpoint",
      "InferenceFunction",
    ])
      assert.equal(typeof compiled[name], "function", name);
  });

  it("finds the function bundle `npm run build` writes (dist/lambda at the root) from the sources and the bundle", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiled = require(join(PLUGIN_DIR, plugin.main)) as typeof sources;
    assert.equal(sources.DEFAULT_CODE_DIRECTORY, join(ROOT, "dist", "lambda"));
    assert.equal(compiled.DEFAULT_CODE_DIRECTORY, join(ROOT, "dist", "lambda"));
  });
});
