/**
 * Capacity check: replays a traffic profile against a stack's real scaling and concurrency settings, as AWS's
 * documented behaviour for SageMaker endpoint autoscaling (Application Auto Scaling target tracking, CloudWatch
 * alarms) and Lambda concurrency implies, with every undocumented figure a named assumption (./assumptions.ts).
 * Pure: no I/O. Used by the `endpoint-capacity` policy, `npm run capacity` and the offline preview.
 *
 * @example
 * const result = checkStackCapacity(stack.resources, DEFAULT_PROFILES, resolveSimulationAssumptions({}));
 */
export * from "./assumptions";
export * from "./cloudwatch";
export * from "./cost";
export * from "./function-concurrency";
export * from "./inputs";
export * from "./profile";
export * from "./scaling";
export * from "./simulate";
export * from "./stack";
export * from "./config";
