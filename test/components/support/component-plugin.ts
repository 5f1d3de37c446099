/**
 * The components package started as the Pulumi CLI starts it (tools/provider-client/plugin-client.ts), with an
 * engine and resource monitor served by the test (tools/provider-client/engine-server.ts). Starting it loads and
 * type-checks the package, so a suite starts it once in `before` and closes it in `after`.
 */
import { startEngineServer, type EngineServer } from "../../../tools/provider-client/engine-server";
import { startComponentPlugin, type ComponentPlugin } from "../../../tools/provider-client/plugin-client";

export interface PluginUnderTest {
  readonly engine: EngineServer;
  readonly plugin: ComponentPlugin;
  close(): Promise<void>;
}

export async function startPluginUnderTest(): Promise<PluginUnderTest> {
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
