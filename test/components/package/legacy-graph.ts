/**
 * The resource graph of both stacks as the components registered them before they became a package (type tokens
 * `ml-platform:<module>:<Component>`): what the deployed stacks' state holds. Generated once from that commit's
 * program, run under the offline preview's runner, and committed as test/fixtures/legacy-graph/<stack>.json, so the
 * alias test compares against what the old code really registered rather than a rewrite of the new graph.
 *
 *   node -r ./tools/lib/esbuild-register.js test/components/package/legacy-graph.ts <commit>
 *
 * The commit's tree is extracted to a temporary directory whose node_modules links to this checkout's, except the
 * workspace packages, which link to the extracted tree.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const REPO = join(__dirname, "..", "..", "..");
export const LEGACY_GRAPH_DIR = join(REPO, "test", "fixtures", "legacy-graph");
export const LEGACY_STACKS = ["dev", "prod"] as const;

/** One registration: its URN and the `ml-platform:component` tag it carried, if any. */
export interface LegacyResource {
  readonly urn: string;
  readonly componentTag?: string;
}

/** The tag each component puts on its taggable children. */
export const COMPONENT_TAG = "ml-platform:component";

/** The `ml-platform:component` tag in a registration's inputs. */
export function componentTagOf(inputs: Readonly<Record<string, unknown>>): string | undefined {
  const tags = inputs.tags as Record<string, unknown> | undefined;
  return typeof tags?.[COMPONENT_TAG] === "string" ? (tags[COMPONENT_TAG] as string) : undefined;
}

const WORKSPACES: Record<string, string> = {
  "aws-facts": "aws-facts",
  components: "components",
  "inference-function": "lambda",
  policy: "policy",
};

async function generate(commit: string): Promise<void> {
  const tree = mkdtempSync(join(tmpdir(), "ml-platform-legacy-"));
  try {
    execFileSync("sh", ["-c", `git -C "${REPO}" archive "${commit}" | tar -x -C "${tree}"`]);
    const modules = join(tree, "node_modules");
    mkdirSync(join(modules, "@ml-platform"), { recursive: true });
    for (const entry of readdirSync(join(REPO, "node_modules"))) {
      if (entry !== "@ml-platform" && entry !== ".cache")
        symlinkSync(join(REPO, "node_modules", entry), join(modules, entry));
    }
    for (const [name, dir] of Object.entries(WORKSPACES))
      symlinkSync(join(tree, dir), join(modules, "@ml-platform", name));
    symlinkSync(join(REPO, "dist"), join(tree, "dist"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runProgram } = require(
      join(tree, "tools", "lib", "program-runner"),
    ) as typeof import("../../../tools/lib/program-runner");
    mkdirSync(LEGACY_GRAPH_DIR, { recursive: true });
    for (const stack of LEGACY_STACKS) {
      const result = await runProgram({ stack, projectDir: tree });
      if (!result.ok) throw new Error(`${stack}: ${result.message}`);
      const resources: LegacyResource[] = result.stack.resources.map((r) => {
        const componentTag = componentTagOf(r.inputs);
        return componentTag === undefined ? { urn: r.urn } : { urn: r.urn, componentTag };
      });
      writeFileSync(
        join(LEGACY_GRAPH_DIR, `${stack}.json`),
        `${JSON.stringify({ commit, resources }, null, 2)}\n`,
      );
      console.log(`${stack}: ${resources.length} resources`);
    }
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const commit = process.argv[2];
  if (!commit) throw new Error("usage: legacy-graph.ts <commit>");
  generate(commit).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
