import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../../tools/lib/program-runner";

/**
 * The program refuses to run without the Lambda bundle (dist/lambda/index.mjs). `npm test` builds it first; when
 * these tests run on their own, build it the same way.
 */
export function ensureLambdaBundle(): void {
  if (existsSync(join(REPO_ROOT, "dist", "lambda", "index.mjs"))) return;
  execFileSync(process.execPath, [join(REPO_ROOT, "tools", "build.mjs")], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
}
