/**
 * Defers two heavy modules the Pulumi SDK loads eagerly but only uses for closure serialization
 * (`aws.lambda.CallbackFunction` and friends): the TypeScript compiler and @npmcli/arborist. Loading them cost about
 * 0.5 s of every program run, most of the runner's start-up. Required by @pulumi/pulumi, they get a proxy that loads
 * the real module on first use, so a program that does serialize a closure still works; anyone else requiring them
 * (the program itself, say) gets the real module at once.
 *
 * Import this before anything that loads @pulumi/pulumi.
 */
import { sep } from "node:path";

type LoadFn = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;

const LAZY_FROM_PULUMI_SDK = new Set(["typescript", "@npmcli/arborist"]);
const PULUMI_SDK_DIR = `${sep}@pulumi${sep}pulumi${sep}`;

function lazyModule(load: () => unknown): unknown {
  let real: object | undefined;
  const target = (): object => (real ??= load() as object);
  return new Proxy(
    {},
    {
      get(_, key) {
        // TypeScript's `__importStar` returns an `__esModule` namespace as is instead of copying its keys, which
        // would load the module right away.
        if (key === "__esModule" && real === undefined) return true;
        return Reflect.get(target(), key);
      },
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor(_, key) {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        return descriptor ? { ...descriptor, configurable: true } : undefined;
      },
    },
  );
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require("node:module") as { _load: LoadFn };
const originalLoad = Module._load;
Module._load = function (this: unknown, request, parent, isMain) {
  if (LAZY_FROM_PULUMI_SDK.has(request) && parent?.filename?.includes(PULUMI_SDK_DIR)) {
    return lazyModule(() => originalLoad.call(this, request, parent, isMain));
  }
  return originalLoad.call(this, request, parent, isMain);
};
