/**
 * Writes aws-facts/coverage/aws-surfaces.generated.ts from the installed @pulumi/aws (see
 * tools/lib/aws-sdk-surfaces.ts). Run by `npm run docs:policies`; `--check` exits 1 when the file is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { renderSurfacesModule } from "./lib/aws-sdk-surfaces";

export const SURFACES_FILE = join(__dirname, "..", "aws-facts", "coverage", "aws-surfaces.generated.ts");

export async function renderSurfacesFile(): Promise<string> {
  const options = (await prettier.resolveConfig(SURFACES_FILE)) ?? {};
  return prettier.format(renderSurfacesModule(), { ...options, filepath: SURFACES_FILE });
}

async function main(): Promise<void> {
  const text = await renderSurfacesFile();
  if (process.argv.includes("--check")) {
    if (readFileSync(SURFACES_FILE, "utf8") !== text) {
      console.error(`${SURFACES_FILE} is stale: run npm run docs:policies`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(SURFACES_FILE, text);
  console.log(`wrote ${SURFACES_FILE}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
