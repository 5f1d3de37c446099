/**
 * Writes components/schema.json, the package schema the components package serves over GetSchema (started as the
 * Pulumi CLI starts it, from components/plugin), and the reference part of components/README.md rendered from it. The committed copies are
 * what the package serves today; a test fails when either is stale. Run with `npm run schema:components`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEngineServer } from "./engine-server";
import { withReference, type PackageSchema } from "./package-readme";
import { startComponentPlugin } from "./plugin-client";

const COMPONENTS_DIR = join(__dirname, "..", "..", "components");
export const SCHEMA_PATH = join(COMPONENTS_DIR, "schema.json");
export const README_PATH = join(COMPONENTS_DIR, "README.md");

/** The schema as committed: two-space JSON with a final newline. */
export function formatSchema(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

async function main(): Promise<void> {
  const engine = await startEngineServer();
  try {
    const plugin = await startComponentPlugin({ engineAddress: engine.address });
    try {
      const schema = await plugin.getSchema();
      writeFileSync(SCHEMA_PATH, formatSchema(schema));
      const readme = readFileSync(README_PATH, "utf8");
      writeFileSync(README_PATH, withReference(readme, schema as unknown as PackageSchema));
      console.log(`wrote ${SCHEMA_PATH} and the reference in ${README_PATH}`);
    } finally {
      await plugin.close();
    }
  } finally {
    await engine.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
