/**
 * How `--base <git-ref>` gives its temporary worktree dependencies: links into the working tree's node_modules when
 * the two package-lock.json files are identical, its own `npm ci` otherwise; the worktree is removed whatever
 * happens. The install command is replaced by a recorder (in process) or by a stand-in `npm` on PATH (for the CLI),
 * so no real install runs.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BaseError,
  checkoutBase,
  type CommandResult,
  type CommandRunner,
} from "../../../../tools/preview/diff/base";
import { PreviewUsageError } from "../../../../tools/preview/preview";
import { describeRun, ROOT, runPreviewCli } from "../../support/cli";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const LOCK_OLD = JSON.stringify({
  name: "fixture",
  lockfileVersion: 3,
  packages: { "": { version: "1.0.0" } },
});
const LOCK_NEW = JSON.stringify({
  name: "fixture",
  lockfileVersion: 3,
  packages: { "": { version: "2.0.0" } },
});

function git(args: readonly string[], cwd: string): string {
  const r = spawnSync(
    "git",
    ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args],
    { cwd, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

const worktreeList = (repo: string) => git(["worktree", "list", "--porcelain"], repo);

interface Call {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The worktree's package-lock.json when the install started. */
  readonly lockfile: string | undefined;
}

/** A command runner that records its calls and answers with `result` (or throws it). */
function recorder(result: CommandResult | Error): { calls: Call[]; runner: CommandRunner } {
  const calls: Call[] = [];
  const runner: CommandRunner = async (cmd, args, cwd) => {
    const lock = join(cwd, "package-lock.json");
    calls.push({ cmd, args, cwd, lockfile: existsSync(lock) ? readFileSync(lock, "utf8") : undefined });
    if (result instanceof Error) throw result;
    return result;
  };
  return { calls, runner };
}

describe("--base: the worktree's dependencies", function () {
  this.timeout(60_000);
  let repo: string;
  let oldCommit: string;
  let newCommit: string;
  const signalListeners = () => process.listenerCount("SIGINT") + process.listenerCount("SIGTERM");

  before(() => {
    // A repository whose older commit has another lockfile than the working tree's (= HEAD's), and an installed
    // node_modules: a plain package, a scoped one, and a workspace link as npm makes it (relative).
    repo = realpathSync(mkdtempSync(join(tmpdir(), "base-install-repo-")));
    git(["init", "--quiet"], repo);
    writeFileSync(join(repo, "package-lock.json"), LOCK_OLD);
    mkdirSync(join(repo, "components"));
    writeFileSync(join(repo, "components/package.json"), "{}");
    git(["add", "-A"], repo);
    git(["commit", "--quiet", "-m", "old lockfile"], repo);
    oldCommit = git(["rev-parse", "HEAD"], repo);
    writeFileSync(join(repo, "package-lock.json"), LOCK_NEW);
    git(["commit", "--quiet", "-am", "new lockfile"], repo);
    newCommit = git(["rev-parse", "HEAD"], repo);
    writeFileSync(join(repo, ".git/info/exclude"), "node_modules\n");
    mkdirSync(join(repo, "node_modules/left-pad"), { recursive: true });
    writeFileSync(join(repo, "node_modules/left-pad/index.js"), "");
    mkdirSync(join(repo, "node_modules/@ml-platform"), { recursive: true });
    symlinkSync("../../components", join(repo, "node_modules/@ml-platform/components"));
  });

  after(() => rmSync(repo, { recursive: true, force: true }));

  it("identical lockfile: node_modules is links into the working tree's, and npm ci is not run", async () => {
    const { calls, runner } = recorder(new Error("npm ci must not run for an identical lockfile"));
    const base = await checkoutBase("HEAD", repo, runner);
    try {
      assert.equal(base.commit, newCommit);
      assert.equal(base.install, "linked");
      assert.deepEqual(calls, []);
      const leftPad = join(base.dir, "node_modules/left-pad");
      assert.ok(lstatSync(leftPad).isSymbolicLink());
      assert.equal(readlinkSync(leftPad), join(repo, "node_modules/left-pad"));
      // The workspace link stays relative, so it names the worktree's own package.
      const workspace = join(base.dir, "node_modules/@ml-platform/components");
      assert.equal(readlinkSync(workspace), "../../components");
      assert.equal(realpathSync(workspace), realpathSync(join(base.dir, "components")));
    } finally {
      base.cleanup();
    }
    assert.equal(existsSync(base.dir), false);
    assert.doesNotMatch(worktreeList(repo), /ml-platform-base-/);
  });

  it("differing lockfile: `npm ci --no-audit --no-fund` runs in the worktree of the base, and no links are made", async () => {
    const { calls, runner } = recorder({ code: 0, stdout: "added 1 package", stderr: "" });
    const base = await checkoutBase("HEAD~1", repo, runner);
    try {
      assert.equal(base.commit, oldCommit);
      assert.equal(base.install, "npm ci");
      assert.deepEqual(calls, [
        { cmd: NPM, args: ["ci", "--no-audit", "--no-fund"], cwd: base.dir, lockfile: LOCK_OLD },
      ]);
      assert.equal(existsSync(join(base.dir, "node_modules")), false);
      assert.match(worktreeList(repo), new RegExp(`worktree ${base.dir}\n`));
    } finally {
      base.cleanup();
    }
    assert.equal(existsSync(base.dir), false);
    assert.doesNotMatch(worktreeList(repo), /ml-platform-base-/);
  });

  it("identical lockfile but no node_modules in the working tree: npm ci", async () => {
    const bare = realpathSync(mkdtempSync(join(tmpdir(), "base-install-bare-")));
    try {
      git(["init", "--quiet"], bare);
      writeFileSync(join(bare, "package-lock.json"), LOCK_NEW);
      git(["add", "-A"], bare);
      git(["commit", "--quiet", "-m", "lockfile"], bare);
      const { calls, runner } = recorder({ code: 0, stdout: "", stderr: "" });
      const base = await checkoutBase("HEAD", bare, runner);
      base.cleanup();
      assert.equal(base.install, "npm ci");
      assert.deepEqual(
        calls.map((c) => [c.cmd, c.args, c.cwd]),
        [[NPM, ["ci", "--no-audit", "--no-fund"], base.dir]],
      );
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it("a failed npm ci is a usage error naming the base, the exit code and npm's output; the worktree is removed", async () => {
    const listenersBefore = signalListeners();
    const { calls, runner } = recorder({
      code: 1,
      stdout: "",
      stderr: "npm error code EUSAGE\nnpm error `npm ci` can only install packages when in sync\n",
    });
    const err = await checkoutBase("HEAD~1", repo, runner).then(
      () => assert.fail("checkoutBase resolved although npm ci failed"),
      (e: unknown) => e,
    );
    // A PreviewUsageError is what the CLI prints as `error: …` with exit code 2.
    assert.ok(err instanceof BaseError && err instanceof PreviewUsageError, String(err));
    assert.match(err.message, /^npm ci for the base HEAD~1 failed \(exit 1\):\n/);
    assert.match(err.message, /can only install packages when in sync/);
    assert.equal(calls.length, 1);
    assert.equal(existsSync(calls[0]!.cwd), false);
    assert.doesNotMatch(worktreeList(repo), /ml-platform-base-/);
    assert.equal(signalListeners(), listenersBefore, "the Ctrl-C handlers are removed with the worktree");
  });

  it("an npm that cannot be started is a usage error too, and the worktree is removed", async () => {
    const { calls, runner } = recorder(Object.assign(new Error("spawn npm ENOENT"), { code: "ENOENT" }));
    await assert.rejects(
      checkoutBase("HEAD~1", repo, runner),
      (e: unknown) =>
        e instanceof BaseError &&
        /^npm ci for the base HEAD~1 could not start: spawn npm ENOENT$/.test(e.message),
    );
    assert.equal(existsSync(calls[0]!.cwd), false);
    assert.doesNotMatch(worktreeList(repo), /ml-platform-base-/);
  });
});

describe("--base CLI with a base whose lockfile differs", function () {
  this.timeout(120_000);

  /** A commit of this repository whose package-lock.json is not the working tree's. */
  function baseWithOtherLockfile(): string | undefined {
    const current = readFileSync(join(ROOT, "package-lock.json"), "utf8");
    const log = spawnSync("git", ["log", "--format=%H", "-n", "50", "--", "package-lock.json"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    for (const commit of log.stdout.split("\n").filter(Boolean)) {
      for (const candidate of [commit, `${commit}^`]) {
        const shown = spawnSync("git", ["show", `${candidate}:package-lock.json`], {
          cwd: ROOT,
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
        });
        if (shown.status === 0 && shown.stdout !== current) return candidate;
      }
    }
    return undefined;
  }

  it("runs the npm on PATH as `npm ci --no-audit --no-fund` in the worktree; its failure exits 2 naming the base", async function () {
    if (process.platform === "win32") this.skip();
    const ref = baseWithOtherLockfile();
    if (!ref) this.skip();
    const bin = mkdtempSync(join(tmpdir(), "fake-npm-"));
    const record = join(bin, "calls.txt");
    try {
      // Records where and how it was called, then fails as a broken install would.
      writeFileSync(
        join(bin, "npm"),
        `#!/bin/sh\nprintf '%s\\n' "$PWD" "$*" >> '${record}'\necho 'npm error simulated install failure' >&2\nexit 1\n`,
      );
      chmodSync(join(bin, "npm"), 0o755);
      const run = await runPreviewCli(["--base", ref!, "--stack", "dev", "--no-policy"], {
        PATH: `${bin}:${process.env.PATH}`,
      });
      assert.equal(run.code, 2, describeRun(run));
      assert.match(
        run.stderr,
        new RegExp(`error: npm ci for the base ${ref!.replace(/\^/g, "\\^")} failed \\(exit 1\\):\\n`),
      );
      assert.match(run.stderr, /npm error simulated install failure/);
      const [cwd, args, ...more] = readFileSync(record, "utf8").trimEnd().split("\n");
      assert.deepEqual(more, [], "npm ran once");
      assert.equal(args, "ci --no-audit --no-fund");
      assert.match(cwd!, /ml-platform-base-\w+$/);
      assert.equal(existsSync(cwd!), false, "the worktree directory is removed");
      const worktrees = spawnSync("git", ["worktree", "list", "--porcelain"], {
        cwd: ROOT,
        encoding: "utf8",
      });
      assert.ok(!worktrees.stdout.includes(cwd!), "the worktree is unregistered");
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
