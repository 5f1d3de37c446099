/**
 * Writes components/schema.json: the package schema the components package serves over GetSchema, started as the
 * Pulumi CLI starts it. The committed copy is what `pulumi package get-schema ./components` would print; a test
 * fails when it is stale. Run with `npm run schema:components`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEngineServer } from "./engine-server";
import { COMPONENTS_PACKAGE_DIR, startComponentPlugin } from "./plugin-client";

export const SCHEMA_PATH = join(COMPONENTS_PACKAGE_DIR, "schema.json");

/** The schema as committed: two-space JSON with a final newline. */
export function formatSchema(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

async function main(): Promise<void> {
  const engine = await startEngineServer();
  try {
    const plugin = await startComponentPlugin({ engineAddress: engine.address });
    try {
      writeFileSync(SCHEMA_PATH, formatSchema(await plugin.getSchema()));
      console.log(`wrote ${SCHEMA_PATH}`);
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
