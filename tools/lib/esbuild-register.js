/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload script */
// Loads TypeScript for the offline preview and the program runner's child processes: each .ts file is transpiled
// with esbuild (no type checking, like ts-node's transpile-only mode) and compiled as CommonJS. About 0.3 s faster
// per process than ts-node, which loads the whole TypeScript compiler first. Type-checking is `npm run typecheck`'s
// job.
//
// Transpiled files are cached by content hash in node_modules/.cache/esbuild-register, so only changed files are
// transpiled again. Source maps are kept in memory (see source-positions.ts) and applied only when a program error
// is reported: Node's own --enable-source-maps would also parse the source map of every JavaScript file in
// node_modules at load time, which cost 0.5 s per program run.
"use strict";
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const maps = new Map();
globalThis[Symbol.for("ml-platform.esbuild-source-maps")] = maps;

const OPTIONS = { loader: "ts", format: "cjs", target: "node20", sourcemap: "external" };
const cacheDir = join(__dirname, "..", "..", "node_modules", ".cache", "esbuild-register");
let esbuild;
let cacheKeyPrefix;

function transpile(source, filename) {
  esbuild ??= require("esbuild");
  cacheKeyPrefix ??= `${esbuild.version}\0${JSON.stringify(OPTIONS)}\0`;
  const key = createHash("sha256")
    .update(cacheKeyPrefix)
    .update(filename)
    .update("\0")
    .update(source)
    .digest("hex");
  const cached = join(cacheDir, `${key}.json`);
  try {
    return JSON.parse(readFileSync(cached, "utf8"));
  } catch {
    // not cached yet (or unreadable): transpile
  }
  const { code, map } = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename });
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ code, map }));
    renameSync(tmp, cached); // atomic: parallel processes never read a half-written entry
  } catch {
    // a read-only checkout still works, just without the cache
  }
  return { code, map };
}

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code, map } = transpile(readFileSync(filename, "utf8"), filename);
  maps.set(filename, map);
  module._compile(code, filename);
};
