import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  canonicalGlob,
  GLOB_COVER_WORK_LIMIT,
  globCovers,
  globCoversWork,
  globMatches,
  globMatchWork,
} from "@ml-platform/aws-facts/glob";

/** The textbook translation, safe only for short patterns: the reference the linear matcher must agree with. */
function regexReference(pattern: string, subject: string): boolean {
  const source = [...pattern]
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/-]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "is").test(subject);
}

/** Every string a glob stands for, over a small alphabet, with runs up to `maxRun` characters. */
function instances(glob: string, alphabet: readonly string[], maxRun: number): string[] {
  const i = [...glob].findIndex((c) => c === "*" || c === "?");
  if (i < 0) return [glob];
  const runs: string[] = [];
  const lengths = glob[i] === "?" ? [1] : Array.from({ length: maxRun + 1 }, (_, k) => k);
  for (const length of lengths) {
    let words = [""];
    for (let k = 0; k < length; k++) words = words.flatMap((w) => alphabet.map((a) => w + a));
    runs.push(...words);
  }
  const rest = instances(glob.slice(i + 1), alphabet, maxRun);
  return runs.flatMap((run) => rest.map((tail) => glob.slice(0, i) + run + tail));
}

describe("aws-facts/glob", () => {
  describe("globMatches", () => {
    it("lets * and ? match / and : as IAM does, over the whole subject", () => {
      assert.ok(globMatches("arn:aws:iam::*", "arn:aws:iam::123456789012:role/a/b"));
      assert.ok(globMatches("arn:aws:iam::123456789012:r?le/*", "arn:aws:iam::123456789012:role/x"));
      assert.ok(globMatches("a?b", "a/b"));
      assert.ok(globMatches("a?b", "a:b"));
      assert.ok(!globMatches("a?b", "ab"));
      assert.ok(!globMatches("s3:Get*", "s3:PutObject"));
      assert.ok(globMatches("S3:get*", "s3:GetObject"), "case-insensitive by default");
      assert.ok(!globMatches("S3:get*", "s3:GetObject", { caseSensitive: true }));
    });

    it("agrees with the regular-expression reading on short patterns", () => {
      const text = fc.stringMatching(/^[ab/:*?]{0,8}$/);
      fc.assert(
        fc.property(text, fc.stringMatching(/^[ab/:]{0,10}$/), (pattern, subject) => {
          assert.equal(
            globMatches(pattern, subject),
            regexReference(pattern, subject),
            `${pattern} ~ ${subject}`,
          );
        }),
        { numRuns: 3000 },
      );
    });

    it("never compares more than |pattern| × |subject| + |pattern| characters", () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[ab*?]{0,40}$/), fc.stringMatching(/^[ab]{0,60}$/), (p, s) => {
          assert.ok(globMatchWork(p, s).work <= p.length * s.length + p.length);
        }),
        { numRuns: 2000 },
      );
    });

    it("answers hostile patterns of a few hundred characters within the same bound", () => {
      const subject = "a".repeat(300);
      for (const pattern of [
        "*a".repeat(150) + "*b",
        "*" + "a".repeat(150) + "b*",
        "?*".repeat(150) + "b",
        ("*" + "a".repeat(20) + "?").repeat(12) + "b",
      ]) {
        const { matched, work } = globMatchWork(pattern, subject);
        assert.equal(matched, false, pattern);
        assert.ok(work <= pattern.length * subject.length + pattern.length, `${work} comparisons`);
      }
    });
  });

  describe("globCovers", () => {
    it("decides whether a pattern matches every string a shape matches", () => {
      const role = "arn:aws:iam::123456789012:role/?*";
      for (const p of [
        "*",
        "arn:aws:iam::*",
        "arn:aws:iam::*ole/*",
        "*:role*",
        "arn:aws:iam::123456789012:r?le/*",
      ]) {
        assert.ok(globCovers(p, role), p);
      }
      for (const p of [
        "arn:aws:iam::123456789012:role/app-*",
        "arn:aws:iam::123456789012:role/??*",
        "*:user/*",
      ]) {
        assert.ok(!globCovers(p, role), p);
      }
      assert.ok(globCovers("?*", "*/?*"), "every instance has at least the slash");
      assert.ok(!globCovers("?*", "*"), "the shape includes the empty string");
    });

    it("agrees with enumerating the shape's instances", () => {
      const glob = fc.stringMatching(/^[ab/*?]{0,6}$/);
      fc.assert(
        fc.property(glob, glob, (pattern, shape) => {
          if ([...shape].filter((c) => c === "*").length > 2) return;
          const all = instances(shape, ["a", "b", "/"], 3).every((w) => globMatches(pattern, w));
          const covered = globCovers(pattern, shape);
          // Runs of up to three characters are enough to refute a pattern of at most six.
          assert.equal(covered, all, `${pattern} covers ${shape}?`);
        }),
        { numRuns: 1500 },
      );
    });

    it("stops at its work limit on a hostile pattern and answers covered (the cautious side)", () => {
      const hostile = "*a" + "?".repeat(40) + "b";
      const result = globCoversWork(hostile, "arn:aws:iam::123456789012:role/?*");
      assert.equal(result.undecided, true);
      assert.equal(result.covered, true);
      assert.ok(result.work <= GLOB_COVER_WORK_LIMIT + 64, `${result.work} steps`);
    });

    it("writes wildcard runs one way", () => {
      assert.equal(canonicalGlob("a*?*?b**"), "a??*b*");
    });
  });
});
