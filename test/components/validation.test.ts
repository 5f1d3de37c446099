import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  endpointNameFor,
  projectNamePrefix,
  SAGEMAKER_NAME_PATTERN,
  variantShapeDigest,
} from "@ml-platform/components/lib/naming";
import {
  idleStopOnStartBase64,
  idleStopScript,
  LIFECYCLE_SCRIPT_MAX_BASE64,
} from "@ml-platform/components/lib/notebook-idle-stop";
import { checkSshCidr } from "@ml-platform/components/lib/validation";

describe("SSH CIDR validation", () => {
  const rejected: [string, RegExp][] = [
    ["0.0.0.0/0", /whole IPv4 internet/],
    ["::/0", /whole IPv6 internet/],
    ["0.0.0.0/1", /wider than \/8/],
    ["128.0.0.0/1", /wider than \/8/],
    ["2000::/3", /wider than \/16/],
    ["10.0.0.1/24", /host bits set; the network address is 10\.0\.0\.0\/24/],
    ["2001:db8::1/64", /host bits set; the network address is 2001:db8::\/64$/],
    ["2001:db8:0:1:0:0:0:5/64", /the network address is 2001:db8:0:1::\/64$/],
    ["2001:db8:1:2:3:4:5:6/112", /the network address is 2001:db8:1:2:3:4:5:0\/112$/],
    ["fe80:0:0:0:1:0:0:1/80", /the network address is fe80::1:0:0:0\/80$/],
    ["10.0.0.0/33", /prefix length is 0-32/],
    ["10.0.0.0", /not a CIDR block/],
    ["256.1.1.0/24", /not an IPv4 or IPv6 address/],
    ["example.com/24", /not an IPv4 or IPv6 address/],
    [" 10.0.0.0/8", /not a CIDR block/],
  ];
  for (const [cidr, reason] of rejected) {
    it(`rejects ${JSON.stringify(cidr)}`, () => {
      const result = checkSshCidr(cidr);
      assert.equal(result.ok, false);
      assert.match((result as { reason: string }).reason, reason);
    });
  }

  const accepted: [string, 4 | 6][] = [
    ["203.0.113.0/24", 4],
    ["198.51.100.7/32", 4],
    ["10.0.0.0/8", 4],
    ["2001:db8::/32", 6],
    ["2001:db8:abcd:12::/64", 6],
    ["::ffff:192.0.2.0/120", 6],
  ];
  for (const [cidr, version] of accepted) {
    it(`accepts ${cidr}`, () =>
      assert.deepEqual(checkSshCidr(cidr), { ok: true, version, prefixLength: Number(cidr.split("/")[1]) }));
  }
});

describe("naming", () => {
  it("derives a lower-case, SageMaker-safe project prefix", () => {
    assert.equal(projectNamePrefix("ml-platform", "dev"), "ml-platform-dev");
    assert.equal(projectNamePrefix("ML_Platform", "Team.A--prod"), "ml-platform-team-a-prod");
    assert.equal(projectNamePrefix("x".repeat(50), "prod").length, 33);
  });

  it("names the endpoint from its variant shape: same shape, same name; new instance type, new name", () => {
    const dev = endpointNameFor("ml-platform-dev-endpoint", { variants: { AllTraffic: "ml.m5.large" } });
    assert.equal(
      dev,
      endpointNameFor("ml-platform-dev-endpoint", { variants: { AllTraffic: "ml.m5.large" } }),
    );
    assert.match(dev, /^ml-platform-dev-endpoint-[0-9a-f]{8}$/);
    assert.notEqual(
      dev,
      endpointNameFor("ml-platform-dev-endpoint", { variants: { AllTraffic: "ml.c5.xlarge" } }),
    );
    // Variant order doesn't matter, the set does.
    assert.equal(
      variantShapeDigest({ variants: { A: "ml.m5.large", B: "ml.c5.large" } }),
      variantShapeDigest({ variants: { B: "ml.c5.large", A: "ml.m5.large" } }),
    );
  });

  it("keeps endpoint names within SageMaker's 63 characters and pattern", () => {
    const long = endpointNameFor("A".repeat(80), { variants: { AllTraffic: "ml.m5.large" } });
    assert.ok(long.length <= 63, `${long.length} characters`);
    assert.match(long, SAGEMAKER_NAME_PATTERN);
    assert.equal(long, long.toLowerCase());
  });
});

describe("notebook idle auto-stop lifecycle script", () => {
  it("embeds the idle limit and installs a cron job (or a systemd timer where cron is missing)", () => {
    const script = idleStopScript(45);
    assert.match(script, /--idle-minutes 45"/);
    assert.match(script, /\*\/5 \* \* \* \* PATH=/);
    assert.match(script, /OnUnitActiveSec=5min/);
    assert.match(script, /stop_notebook_instance|stop-notebook-instance/);
  });

  it("is base64 of the script and fits SageMaker's 16384-character limit", () => {
    const encoded = idleStopOnStartBase64(60);
    assert.equal(Buffer.from(encoded, "base64").toString("utf8"), idleStopScript(60));
    assert.ok(encoded.length <= LIFECYCLE_SCRIPT_MAX_BASE64, `${encoded.length} characters`);
  });

  it("rejects limits outside 10-1440 minutes", () => {
    assert.throws(() => idleStopScript(5), /10 to 1440/);
    assert.throws(() => idleStopScript(60.5), /integer/);
  });

  it("is valid bash, and its Python check compiles", function () {
    const dir = mkdtempSync(join(tmpdir(), "idle-stop-"));
    try {
      const script = idleStopScript(60);
      writeFileSync(join(dir, "on-start.sh"), script);
      const bash = spawnSync("bash", ["-n", join(dir, "on-start.sh")], { encoding: "utf8" });
      assert.equal(bash.status, 0, bash.stderr);
      const python = /<<'AUTOSTOP_PY'\n([\s\S]*?)\nAUTOSTOP_PY\n/.exec(script)?.[1];
      assert.ok(python, "the Python heredoc is missing");
      writeFileSync(join(dir, "autostop.py"), python);
      const py = spawnSync("python3", ["-m", "py_compile", join(dir, "autostop.py")], { encoding: "utf8" });
      if (py.error) this.skip(); // python3 isn't installed here; bash -n above still ran.
      assert.equal(py.status, 0, py.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
