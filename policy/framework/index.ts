/**
 * The policy framework every ml-platform policy is built on. Side-effect free: importing it starts nothing, so
 * tests and the docs generator can load every policy without a gRPC server.
 *
 * - `defineResourcePolicy` + `onType` (./define-resource-policy.ts) check one resource's inputs;
 *   `defineStackPolicy` (./define-stack-policy.ts) checks the whole stack. Both enforce the metadata
 *   (./metadata.ts), apply and validate config (./config.ts), honour exemptions (./exemptions.ts) before the rule
 *   runs, and word their own findings the same way (./messages.ts).
 * - `ctx.config` already has the schema defaults applied; the CLI fills them in, tests and other harnesses may not.
 * - Unknown values (preview placeholders, ./probes.ts): `ctx.probe(property, read)` returns `{ known: true, value }`
 *   or `{ known: false }`. Then either `ctx.failClosed(unknown, why)` (reports a violation: use it for
 *   security-critical fields normally written as literals) or `ctx.defer(unknown)` (the runtime reports "can't run
 *   policy during preview" as advisory, and the real `pulumi up` re-checks with known values: use it for values
 *   computed from other resources, such as ARNs). Reading an unknown without `probe` defers implicitly.
 *   Write `return ctx.defer(x)` inside arrow callbacks: TypeScript narrows after a `never` call only when the
 *   callee's receiver has an explicit type annotation. Declare the choice in `unknownValues`; the docs show it.
 *   `ctx.probeDeep` does the same for a whole object or array and returns a plain copy.
 * - Optional `checks: string[]` lists exactly what is checked, as bullets in docs/policies.md.
 * - Export each policy from its family file in ../policies and add it to `allPolicies` in ../policies/index.ts.
 *   The pack, the docs generator (`npm run docs:policies`) and the tests all iterate that array.
 * - Optional `remediation` (./remediation.ts): the fix a policy applies when a stack sets its level to `remediate`,
 *   as property fixes the framework applies to the runtime's property bag; off unless configured.
 * - Unit tests: test/policy/support/harness.ts runs a policy the way the runtime does (proxied props with
 *   unknowns, `notApplicable`, `stackTags`, config with schema defaults).
 */
export * from "./config";
export * from "./define-resource-policy";
export * from "./define-stack-policy";
export * from "./exemptions";
export * from "./messages";
export * from "./metadata";
export * from "./probes";
export * from "./remediation";
