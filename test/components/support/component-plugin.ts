/**
 * The components package started as the Pulumi CLI starts it (tools/provider-client/plugin-client.ts), with an
 * engine and resource monitor served by the test (tools/provider-client/engine-server.ts). It runs the bundle `npm run
 * build` compiles (components/plugin/bin), and its first GetSchema or Construct builds a TypeScript program of the
 * sources, so a suite starts it once in `before` and closes it in `after`.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { startEngineServer, type EngineServer } from "../../../tools/provider-client/engine-server";
import { startComponentPlugin, type ComponentPlugin } from "../../../tools/provider-client/plugin-client";

export interface PluginUnderTest {
  readonly engine: EngineServer;
  readonly plugin: ComponentPlugin;
  close(): Promise<void>;
}

const REPO = join(__dirname, "..", "..", "..");

/**
 * Runs `npm run build`'s script, which compiles the plugin's `main` (components/plugin/bin/index.js) from the current
 * sources (in about a second), so a test never runs a bundle older than the sources the schema is inferred from.
 */
export function buildComponentsPlugin(): void {
  execFileSync(process.execPath, [join(REPO, "tools", "build.mjs")], { cwd: REPO, stdio: "inherit" });
}

export async function startPluginUnderTest(): Promise<PluginUnderTest> {
  buildComponentsPlugin();
  const engine = await startEngineServer();
  try {
    const plugin = await startComponentPlugin({ engineAddress: engine.address });
    return {
      engine,
      plugin,
      async close() {
        await plugin.close();
        await engine.close();
      },
    };
  } catch (err) {
    await engine.close();
    throw err;
  }
}
