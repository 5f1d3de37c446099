/**
 * IAM wildcard matching without regular expressions. In IAM, `*` matches any run of characters and `?` any one
 * character, `/` and `:` included (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards).
 * A pattern translated to a backtracking regular expression (`*a*a*a…*b` → `.*a.*a.*a….*b`) takes time
 * exponential in the number of stars: a 22-character pattern against a 40-character subject ran for minutes.
 *
 * This matcher splits the pattern at its stars and places each literal segment at its leftmost possible position,
 * which is optimal for globs (a later segment can only gain room when an earlier one moves left). Every segment is
 * scanned once from the previous one's end, so the work is at most |pattern| × |subject| character comparisons:
 * linear in each, whatever the input. `globMatchWork` reports the count, so tests can assert the bound.
 */

/** Does `pattern` match all of `subject`? Returns the verdict and the number of comparisons made. */
function matchSegments(
  pattern: string,
  subject: readonly string[],
  equals: (patternChar: string, subjectChar: string) => boolean,
): { matched: boolean; work: number } {
  let work = 0;
  const segments = pattern.split("*");
  const segmentMatchesAt = (segment: string, at: number): boolean => {
    for (let i = 0; i < segment.length; i++) {
      work++;
      const p = segment[i];
      const s = subject[at + i];
      if (s === undefined || (p !== "?" && !equals(p, s))) return false;
    }
    return true;
  };

  if (segments.length === 1) {
    const matched = pattern.length === subject.length && segmentMatchesAt(pattern, 0);
    return { matched, work };
  }
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (first.length + last.length > subject.length) return { matched: false, work };
  if (!segmentMatchesAt(first, 0)) return { matched: false, work };
  const lastStart = subject.length - last.length;
  if (!segmentMatchesAt(last, lastStart)) return { matched: false, work };

  // Middle segments, each at its leftmost position between the first segment's end and the last one's start.
  let cursor = first.length;
  for (let k = 1; k < segments.length - 1; k++) {
    const segment = segments[k];
    if (segment.length === 0) continue;
    let found = -1;
    for (let at = cursor; at + segment.length <= lastStart; at++) {
      if (segmentMatchesAt(segment, at)) {
        found = at;
        break;
      }
    }
    if (found < 0) return { matched: false, work };
    cursor = found + segment.length;
  }
  return { matched: true, work };
}

const caseInsensitive = (p: string, s: string) => p === s || p.toLowerCase() === s.toLowerCase();
const caseSensitive = (p: string, s: string) => p === s;

export interface GlobOptions {
  /** IAM compares action names case-insensitively; resource ARNs case-sensitively. Default: insensitive. */
  readonly caseSensitive?: boolean;
}

/** IAM wildcard match over the whole subject: `*` any run, `?` one character, `/` and `:` included. */
export function globMatches(pattern: string, subject: string, options: GlobOptions = {}): boolean {
  return globMatchWork(pattern, subject, options).matched;
}

/** {@link globMatches} with the number of character comparisons it made (at most |pattern| × |subject|). */
export function globMatchWork(
  pattern: string,
  subject: string,
  options: GlobOptions = {},
): { matched: boolean; work: number } {
  return matchSegments(pattern, [...subject], options.caseSensitive ? caseSensitive : caseInsensitive);
}

// ------------------------------------------------------------------------------------------------------------------
// One glob against another

/** The most state-set steps {@link globCoversWork} takes before giving up (answering "covered": the cautious side). */
export const GLOB_COVER_WORK_LIMIT = 4_000;

export interface GlobCoverage {
  /** True when every string the shape matches is matched by the pattern (or the question was too costly). */
  readonly covered: boolean;
  /** True when the work limit was reached before an answer; `covered` is then true. */
  readonly undecided: boolean;
  /** State-set steps taken (each one a few operations on a bit set as long as the pattern). */
  readonly work: number;
}

/**
 * True when `pattern` matches every string `shape` matches (both IAM globs): `arn:aws:iam::*` covers
 * `arn:aws:iam::123456789012:role/?*` (every role of the account), so do `*ole/*` and `*:role*`; `role/app-*`
 * does not. Case-insensitive (the cautious side for a guard). See {@link globCoversWork}.
 */
export function globCovers(pattern: string, shape: string): boolean {
  return globCoversWork(pattern, shape).covered;
}

/**
 * Decides glob containment exactly by running the pattern's automaton (a bit set of pattern positions) over every
 * string the shape stands for: the shape's literal characters advance it, a `?` branches over the pattern's own
 * characters plus one character the pattern never names, and a `*` explores every state set reachable by any
 * run. A pattern star reached makes every earlier position redundant (any match from there passes through the
 * star), so those bits are dropped, which keeps the number of distinct sets small; the work limit bounds the rest.
 */
export function globCoversWork(pattern: string, shape: string, limit = GLOB_COVER_WORK_LIMIT): GlobCoverage {
  const p = [...canonicalGlob(pattern.toLowerCase())];
  const m = p.length;
  const bit = (i: number) => 1n << BigInt(i);
  let stars = 0n;
  let ones = 0n;
  const literals = new Map<string, bigint>();
  p.forEach((c, i) => {
    if (c === "*") stars |= bit(i);
    else if (c === "?") ones |= bit(i);
    else literals.set(c, (literals.get(c) ?? 0n) | bit(i));
  });
  const accept = bit(m);
  // Canonical runs hold at most one star, so one shift closes over "a star matches nothing".
  const close = (states: bigint): bigint => {
    const closed = states | ((states & stars) << 1n);
    const reachedStars = closed & stars;
    if (reachedStars === 0n) return closed;
    const highest = reachedStars.toString(2).length - 1;
    return closed & ~(bit(highest) - 1n);
  };
  let work = 0;
  const step = (states: bigint, c: string): bigint => {
    work++;
    const advancing = states & ((literals.get(c) ?? 0n) | ones);
    return close((advancing << 1n) | (states & stars));
  };
  // A character the pattern never names stands for every such character.
  const alphabet = [...literals.keys(), "\u0000"];
  const rejected = (): GlobCoverage => ({ covered: false, undecided: false, work });
  const gaveUp = (): GlobCoverage => ({ covered: true, undecided: true, work });

  let sets = new Set<bigint>([close(1n)]);
  for (const item of canonicalGlob(shape.toLowerCase())) {
    const next = new Set<bigint>();
    if (item === "*") {
      // Every set reachable by a run of any length, the empty run included.
      const queue = [...sets];
      queue.forEach((states) => next.add(states));
      while (queue.length > 0) {
        const states = queue.pop()!;
        for (const c of alphabet) {
          const reached = step(states, c);
          if (reached === 0n) return rejected();
          if (!next.has(reached)) {
            next.add(reached);
            queue.push(reached);
          }
        }
        if (work > limit) return gaveUp();
      }
    } else {
      for (const states of sets) {
        for (const c of item === "?" ? alphabet : [item]) {
          const reached = step(states, c);
          if (reached === 0n) return rejected();
          next.add(reached);
        }
      }
    }
    if (work > limit) return gaveUp();
    sets = next;
  }
  for (const states of sets) if ((states & accept) === 0n) return rejected();
  return { covered: true, undecided: false, work };
}

/**
 * The same glob with every run of wildcards written as its `?`s followed by at most one `*` (`*?*` → `?*`): the
 * runs match the same strings.
 */
export function canonicalGlob(glob: string): string {
  let out = "";
  let ones = 0;
  let star = false;
  const flush = () => {
    out += "?".repeat(ones) + (star ? "*" : "");
    ones = 0;
    star = false;
  };
  for (const c of glob) {
    if (c === "?") ones++;
    else if (c === "*") star = true;
    else {
      flush();
      out += c;
    }
  }
  flush();
  return out;
}
