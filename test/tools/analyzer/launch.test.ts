import { strict as assert } from "node:assert";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PolicyPackSetupError } from "../../../tools/analyzer/errors";
import { startPolicyPack } from "../../../tools/analyzer/launch";
import { throwawayPacks } from "./support/throwaway-pack";

describe("analyzer launch: starting packs", function () {
  this.timeout(60_000);
  const pack = throwawayPacks("analyzer-launch-");

  it("reports a pack that throws at load as `exited`, with its stderr", async () => {
    const packDir = pack("broken", 'throw new Error("policy module is broken");');
    await assert.rejects(startPolicyPack({ policyPackDir: packDir }), (e: PolicyPackSetupError) => {
      assert.equal(e.kind, "exited");
      assert.match(e.stderr, /policy module is broken/);
      assert.match(e.message, /exited \(code \d+\) before printing its port:[\s\S]*policy module is broken/);
      return true;
    });
  });

  it("reports a pack that prints something other than a port as `bad-output`", async () => {
    const packDir = pack("chatty", 'console.log("hello from the pack"); setInterval(() => {}, 1000);');
    await assert.rejects(startPolicyPack({ policyPackDir: packDir }), (e: PolicyPackSetupError) => {
      assert.equal(e.kind, "bad-output");
      assert.match(e.message, /printed "hello from the pack" instead of its port/);
      return true;
    });
  });

  it("reports a pack that never prints its port as `timeout`, and kills it", async () => {
    const packDir = pack("silent", "setInterval(() => {}, 1000);");
    await assert.rejects(
      startPolicyPack({ policyPackDir: packDir, startupTimeoutMs: 1500 }),
      (e: PolicyPackSetupError) => {
        assert.equal(e.kind, "timeout");
        assert.match(e.message, /printed no port within 1500 ms/);
        return true;
      },
    );
  });

  it("reports a missing pack directory as `spawn`", async () => {
    await assert.rejects(
      startPolicyPack({ policyPackDir: join(tmpdir(), "analyzer-launch-nowhere") }),
      /policy pack not found/,
    );
  });
});
