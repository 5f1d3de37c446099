/**
 * The npm wrappers around the real Pulumi CLI (`npm run up:dev`, `preview:cloud:prod`, ...) and the example
 * GitHub Actions workflow. The CLI can't be installed here, so a stand-in `pulumi` on PATH records its arguments.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { buildOnce, describeRun, ROOT, runNode } from "../support/cli";

const WRAPPER = join(ROOT, "tools/deploy/pulumi.mjs");

describe("pulumi CLI wrappers", function () {
  this.timeout(60_000);
  let fakeBin: string;
  before(() => {
    buildOnce();
    fakeBin = mkdtempSync(join(tmpdir(), "fake-pulumi-"));
    // Prints its arguments and cwd as JSON, then exits with $FAKE_PULUMI_EXIT.
    writeFileSync(
      join(fakeBin, "pulumi"),
      `#!/bin/sh\nexec "${process.execPath}" -e 'console.log(JSON.stringify({ args: process.argv.slice(1), cwd: process.cwd() })); process.exit(Number(process.env.FAKE_PULUMI_EXIT || 0))' -- "$@"\n`,
    );
    chmodSync(join(fakeBin, "pulumi"), 0o755);
  });
  after(() => rmSync(fakeBin, { recursive: true, force: true }));

  it("without pulumi on PATH, fails with how to install it", async () => {
    const run = await runNode([WRAPPER, "up", "dev"], { PATH: "" });
    assert.equal(run.code, 127, describeRun(run));
    assert.match(run.stderr, /the Pulumi CLI \(`pulumi`\) is not on your PATH/);
    assert.match(run.stderr, /https:\/\/www\.pulumi\.com\/docs\/install\//);
    assert.match(run.stderr, /pulumi login --local/);
    assert.match(run.stderr, /npm run preview/);
    assert.equal(run.stdout, "");
  });

  it("runs pulumi up with the stack's policy pack config, from the repo root", async () => {
    const run = await runNode([WRAPPER, "up", "prod", "--yes"], {
      PATH: `${fakeBin}:${dirname(process.execPath)}`,
    });
    assert.equal(run.code, 0, describeRun(run));
    const seen = JSON.parse(run.stdout);
    assert.deepEqual(seen.args, [
      "up",
      "--stack",
      "prod",
      "--policy-pack",
      "policy",
      "--policy-pack-config",
      join("policy", "config", "prod.json"),
      "--yes",
    ]);
    assert.equal(seen.cwd, ROOT);
  });

  it("passes pulumi's exit code through", async () => {
    const run = await runNode([WRAPPER, "preview", "dev"], {
      PATH: `${fakeBin}:${dirname(process.execPath)}`,
      FAKE_PULUMI_EXIT: "3",
    });
    assert.equal(run.code, 3, describeRun(run));
  });

  it("rejects an unknown stack before starting pulumi", async () => {
    const run = await runNode([WRAPPER, "up", "staging"], {
      PATH: `${fakeBin}:${dirname(process.execPath)}`,
    });
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /unknown stack "staging": there is no Pulumi\.staging\.yaml/);
    assert.equal(run.stdout, "", "pulumi was not started");
  });

  it("every wrapper npm script targets a stack that has a stack file and a policy config", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const wrappers = Object.entries(pkg.scripts).filter(([, cmd]) => cmd.includes("tools/deploy/pulumi.mjs"));
    assert.deepEqual(wrappers.map(([name]) => name).sort(), [
      "preview:cloud:dev",
      "preview:cloud:prod",
      "up:dev",
      "up:prod",
    ]);
    for (const [name, cmd] of wrappers) {
      const [, command, stack] = /pulumi\.mjs (\w+) (\w+)$/.exec(cmd) ?? [];
      assert.equal(name.startsWith("up:") ? "up" : "preview", command, name);
      assert.equal(name.split(":").pop(), stack, name);
      // A stale dist/lambda or policy/bin would deploy old code or run old rules: every wrapper builds first.
      assert.match(cmd, /^node tools\/build\.mjs && /, `${name} builds before starting pulumi`);
      assert.doesNotThrow(() => readFileSync(join(ROOT, `Pulumi.${stack}.yaml`)), `Pulumi.${stack}.yaml`);
      assert.doesNotThrow(
        () => readFileSync(join(ROOT, "policy", "config", `${stack}.json`)),
        `policy/config/${stack}.json`,
      );
    }
  });
});

describe("pull-request workflow", () => {
  type Step = { run?: string; uses?: string; if?: string; env?: Record<string, string> };
  type Job = {
    if?: string;
    needs?: string[];
    steps: Step[];
    env?: Record<string, string>;
    permissions?: Record<string, string>;
  };
  const workflow = parseYaml(readFileSync(join(ROOT, ".github/workflows/pull-request.yml"), "utf8")) as {
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
  };

  it("runs on pull requests", () => {
    assert.ok("pull_request" in workflow.on);
  });

  it("the offline job runs npm ci, npm test and the JSON preview, with no credentials", () => {
    const job = workflow.jobs.offline;
    const runs = job.steps.map((s) => s.run ?? "");
    const index = (re: RegExp) => runs.findIndex((r) => re.test(r));
    assert.ok(index(/^npm ci$/) >= 0 && index(/^npm test$/) > index(/^npm ci$/), "npm ci then npm test");
    assert.ok(
      index(/npm run preview -- --json --output preview\.json/) > index(/^npm test$/),
      "then the JSON preview",
    );
    assert.doesNotMatch(JSON.stringify(job), /secrets\./, "no secrets in the offline job");
  });

  it("the credentialed job runs pulumi preview with the policy pack, guarded by the secrets' presence", () => {
    const job = workflow.jobs["cloud-preview"];
    assert.match(job.if ?? "", /needs\.credentials\.outputs\.available == 'true'/);
    assert.ok(job.needs?.includes("credentials"));
    assert.ok(job.steps.some((s) => /npm run preview:cloud:/.test(s.run ?? "")));
    // `secrets` is not available in a job-level `if:`; the check job reads them through env vars instead.
    // Nor in a step's `if:` (GitHub: "Secrets cannot be directly referenced in if: conditionals").
    for (const [name, j] of Object.entries(workflow.jobs)) {
      assert.doesNotMatch(j.if ?? "", /secrets\./, name);
      for (const step of j.steps) assert.doesNotMatch(step.if ?? "", /secrets\./, `${name}: ${step.if}`);
    }
    const check = workflow.jobs.credentials.steps[0];
    assert.match(check.env?.AWS_ROLE_TO_ASSUME ?? "", /secrets\.AWS_ROLE_TO_ASSUME/);
  });

  describe("the credentials check, run as the runner runs it (bash, unset secrets as empty strings)", () => {
    const check = workflow.jobs.credentials.steps[0];
    /** Runs the step's script with these env values (GitHub passes an unset secret as ""); returns its output. */
    function available(env: Record<string, string>): string {
      const dir = mkdtempSync(join(tmpdir(), "gh-output-"));
      try {
        const output = join(dir, "output");
        writeFileSync(output, "");
        const empty = Object.fromEntries(Object.keys(check.env ?? {}).map((k) => [k, ""]));
        const result = spawnSync("bash", ["-e", "-c", check.run ?? ""], {
          env: { PATH: process.env.PATH, ...empty, ...env, GITHUB_OUTPUT: output },
          encoding: "utf8",
        });
        assert.equal(result.status, 0, result.stderr);
        return readFileSync(output, "utf8");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    it("no secrets (a fork's pull request): available=false", () => {
      assert.equal(available({}), "available=false\n");
    });
    it("a role but no Pulumi backend: available=false", () => {
      assert.equal(
        available({ AWS_ROLE_TO_ASSUME: "arn:aws:iam::123456789012:role/ci" }),
        "available=false\n",
      );
    });
    it("a role and a Pulumi token, or a role and a backend URL: available=true", () => {
      const role = { AWS_ROLE_TO_ASSUME: "arn:aws:iam::123456789012:role/ci" };
      assert.equal(available({ ...role, PULUMI_ACCESS_TOKEN: "pul-x" }), "available=true\n");
      assert.equal(available({ ...role, PULUMI_BACKEND_URL: "s3://state" }), "available=true\n");
    });
  });
});
