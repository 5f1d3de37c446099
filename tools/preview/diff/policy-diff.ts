/**
 * The policy side of a change preview: the verdicts before and after, as new violations, resolved ones and a count
 * of unchanged ones. A violation is the same on both sides when its policy and resource (through aliases) match;
 * a changed message alone (a new cost figure, say) does not make it new.
 */
import type { ReportedViolation } from "../preview";

export interface PolicyDiff {
  readonly ran: boolean;
  readonly added: readonly ReportedViolation[];
  readonly resolved: readonly ReportedViolation[];
  readonly unchanged: number;
  readonly mandatoryAfter: number;
}

function key(v: ReportedViolation, urn: string): string {
  return `${v.policyName}\u0000${urn}`;
}

export function diffPolicy(
  before: readonly ReportedViolation[],
  after: readonly ReportedViolation[],
  newUrnOfOld: ReadonlyMap<string, string>,
  ran: boolean,
): PolicyDiff {
  const pool = new Map<string, ReportedViolation[]>();
  for (const v of before) {
    const k = key(v, newUrnOfOld.get(v.urn) ?? v.urn);
    pool.set(k, [...(pool.get(k) ?? []), v]);
  }
  const added: ReportedViolation[] = [];
  let unchanged = 0;
  // Exact messages pair first, then any remaining violation of the same policy on the same resource.
  const pending: ReportedViolation[] = [];
  for (const v of after) {
    const list = pool.get(key(v, v.urn)) ?? [];
    const i = list.findIndex((o) => o.message === v.message);
    if (i >= 0) {
      list.splice(i, 1);
      unchanged++;
    } else pending.push(v);
  }
  for (const v of pending) {
    const list = pool.get(key(v, v.urn)) ?? [];
    if (list.length) {
      list.shift();
      unchanged++;
    } else added.push(v);
  }
  return {
    ran,
    added,
    resolved: [...pool.values()].flat(),
    unchanged,
    mandatoryAfter: after.filter((v) => v.enforcementLevel === "mandatory").length,
  };
}
