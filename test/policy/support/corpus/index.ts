/** Every corpus case, with the class of blind spot it probes. */
import { ARN_GLOBS, REGEX_BLOW_UP } from "./iam-globs";
import { BOUNDS_SET_ELSEWHERE, COVERAGE_BY_DEPENDENCY } from "./scaling";
import { PARTLY_UNKNOWN } from "./partly-unknown";
import { INSTANCE_TYPE_MESSAGES } from "./instance-types";
import { SIBLING_TYPES } from "./sibling-types";
import { SIBLING_SETTINGS } from "./sibling-settings";
import { UNCHECKED_TYPES } from "./coverage";
import type { CorpusCase } from "./types";

const classes: Record<string, readonly CorpusCase[]> = {
  "wildcard matching stays bounded": REGEX_BLOW_UP,
  "ARN globs are read as what they cover": ARN_GLOBS,
  "a scaling policy covers the target it names": COVERAGE_BY_DEPENDENCY,
  "scaling bounds set elsewhere meet the same caps": BOUNDS_SET_ELSEWHERE,
  "partly unknown documents are checked where known": PARTLY_UNKNOWN,
  "instance types are named for what they are": INSTANCE_TYPE_MESSAGES,
  "hardening reaches sibling types": [...SIBLING_TYPES, ...SIBLING_SETTINGS],
  "unchecked resource types are reported": UNCHECKED_TYPES,
};

export const CORPUS: readonly (CorpusCase & { readonly group: string })[] = Object.entries(classes).flatMap(
  ([group, cases]) => cases.map((c) => ({ ...c, group })),
);
