/**
 * AWS facts shared by the components, the policy pack, the tools and the tests, each defined once. Import a
 * module by its path (`@ml-platform/aws-facts/instance-types`) to load only what you use.
 */
export * from "./instance-types";
export * from "./platform-tags";
export * from "./type-tokens";
