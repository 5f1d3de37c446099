/**
 * The components as a Pulumi package: what `@pulumi/pulumi/cmd/run-plugin` serves to programs in other languages.
 * The runner loads package.json `main`, the bundle `npm run build` compiles from this file (bin/index.js), so it
 * starts without type-checking the sources; the schema inference reads this file instead (it maps `main` to a
 * TypeScript file or falls back to index.ts) and follows the re-export to the component classes and their args.
 */
export * from "@ml-platform/components";
