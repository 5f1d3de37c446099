/**
 * Type tokens. A Pulumi component package serves its components as `<package>:index:<Component>`, where `<package>`
 * is the provider name `@pulumi/pulumi/cmd/run-plugin` derives from package.json (`@ml-platform/components` gives
 * `components`, namespace `ml-platform`), and Construct refuses any other module than `index`
 * (https://www.pulumi.com/docs/iac/guides/building-extending/components/build-a-component/).
 */
import type * as pulumi from "@pulumi/pulumi";

/** The provider name of this package: the type tokens' first segment. */
export const PACKAGE_NAME = "components";

/** `<package>:index:<component>`. */
export function componentType(component: string): string {
  return `${PACKAGE_NAME}:index:${component}`;
}

/**
 * `opts` plus an alias to the component's type token from before it was a package, so stacks deployed with the old
 * token keep their resources: the engine matches the component's old URN through the alias, and each child's old
 * URN (which contains the parent's type) through the aliases Pulumi derives from the parent's
 * (https://www.pulumi.com/docs/iac/concepts/options/aliases/). The children's `ml-platform:component` tag keeps the old
 * token as well: a new value would update every child of every deployed stack for a label.
 */
export function withLegacyTypeAlias(
  opts: pulumi.ComponentResourceOptions | undefined,
  legacyType: string,
): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: legacyType }] };
}
