/**
 * SageMaker notebook instances: instance-hours (always on, or a working-hours range when an idle auto-stop
 * lifecycle configuration is attached) and the ML storage volume, billed whether the notebook runs or not.
 */
import { IDLE_STOP_MINUTES_TAG, readIdleStopMinutesTag } from "../../platform-tags";
import { AWS_TYPES } from "../../type-tokens";
import { HOURS_PER_MONTH } from "../assumptions";
import { isUnknown, num, str, type GraphNode } from "../graph";
import type { Range } from "../lines";
import { fmt, type ResourcePricing, type StackEstimation } from "../pricer";

/** AWS's notebook volume size when `volumeSize` is not set. */
const DEFAULT_VOLUME_GB = 5;

export function priceNotebook(r: ResourcePricing): void {
  const { node, book } = r;
  const a = r.assumptions;
  const type = node.props.instanceType;
  const typeLabel = str(type) ?? "notebook";
  const idle = notebookIdleStop(r.stack, node);
  const hours: Range = idle.idleStop
    ? { min: Math.min(a.notebookIdleStopHoursPerMonth, HOURS_PER_MONTH), max: HOURS_PER_MONTH }
    : { min: HOURS_PER_MONTH, max: HOURS_PER_MONTH };
  const hoursBasis = idle.idleStop
    ? `idle auto-stop attached (${idle.detail}): min ${fmt(hours.min)} h/month of use (assumption notebookIdleStopHoursPerMonth), ` +
      `max 730 h if it never goes idle`
    : `always on: 730 h/month (${idle.detail}); metering runs while the instance exists and is not stopped`;
  const description = `${typeLabel} notebook instance-hours`;
  if (!book) r.noRegion(description, "hour");
  else {
    const price = r.instancePrice(book.sagemaker.notebook, type, "SageMaker notebook");
    if ("entry" in price) r.priced(description, hours, price.entry, hoursBasis);
    else r.unknown(description, "hour", price.reason, hoursBasis);
  }
  const volume = node.props.volumeSize;
  const gb = isUnknown(volume) ? undefined : (num(volume) ?? DEFAULT_VOLUME_GB);
  const storageDescription = "notebook ML storage";
  if (!book) return r.noRegion(storageDescription, "GB-month");
  if (gb === undefined)
    return r.unknown(storageDescription, "GB-month", "unknown quantity: volumeSize is not known until apply");
  if (!book.sagemaker.mlStorageGbMonth)
    return r.missingPrice(storageDescription, "GB-month", "SageMaker ML storage price");
  r.priced(
    storageDescription,
    { min: gb, max: gb },
    book.sagemaker.mlStorageGbMonth,
    `${fmt(gb)} GB volume${num(volume) === undefined ? " (AWS default 5 GB)" : ""} for the whole month, stopped or not`,
  );
}

/**
 * Finds the lifecycle configuration attached to a notebook (by dependency, then name, then component parent) and
 * reads its idle auto-stop minutes from its {@link IDLE_STOP_MINUTES_TAG} tag. A configuration without the tag is
 * treated as always on: the worst case, so an undeclared script can only overstate the cost.
 */
function notebookIdleStop(
  stack: StackEstimation,
  notebook: GraphNode,
): { idleStop: boolean; detail: string } {
  const configName = notebook.props.lifecycleConfigName;
  const linkedUrns = notebook.propertyDependencies.lifecycleConfigName ?? [];
  if (configName === undefined && linkedUrns.length === 0)
    return { idleStop: false, detail: "no lifecycle configuration" };
  const configs = stack.ofType(AWS_TYPES.sagemakerNotebookInstanceLifecycleConfiguration);
  const config =
    configs.find((c) => linkedUrns.includes(c.urn)) ??
    configs.find((c) => str(configName) !== undefined && str(c.props.name) === str(configName)) ??
    (() => {
      const siblings = configs.filter((c) => c.parent !== undefined && c.parent === notebook.parent);
      return siblings.length === 1 ? siblings[0] : undefined;
    })();
  if (!config) {
    return {
      idleStop: false,
      detail: `lifecycle configuration ${str(configName) ?? "(name unknown)"} not found in the stack, so no idle auto-stop is assumed`,
    };
  }
  const tag = readIdleStopMinutesTag(config.props.tags) ?? readIdleStopMinutesTag(config.props.tagsAll);
  if (tag === undefined) {
    return {
      idleStop: false,
      detail: `lifecycle configuration ${config.name} declares no idle auto-stop (no ${IDLE_STOP_MINUTES_TAG} tag)`,
    };
  }
  if ("invalid" in tag) {
    return {
      idleStop: false,
      detail: `lifecycle configuration ${config.name} has an invalid ${IDLE_STOP_MINUTES_TAG} tag "${tag.invalid}" (expected whole minutes), so no idle auto-stop is assumed`,
    };
  }
  return {
    idleStop: true,
    detail: `lifecycle configuration ${config.name}, stops after ${fmt(tag.minutes)} idle minutes`,
  };
}
