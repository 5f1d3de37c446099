import { strict as assert } from "node:assert";
import { durationToSeconds, ENGINE_UNKNOWN_SENTINEL, toEngineValue } from "../../../tools/analyzer/values";

const SIG = "4dabf18193072939515e22adb298388d";

describe("analyzer values: engine marshalling", () => {
  it("drops undefined keys, nulls undefined array slots and rejects non-finite numbers", () => {
    assert.deepEqual(toEngineValue({ a: 1, b: undefined, c: [1, undefined], d: { e: undefined } }), {
      a: 1,
      c: [1, null],
      d: {},
    });
    assert.throws(() => toEngineValue({ n: NaN }), /non-finite/);
  });

  it("turns resource references into their id (else URN) and output values into value or the unknown sentinel", () => {
    const ref = { [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:x", id: "i-123" };
    assert.equal(toEngineValue(ref), "i-123");
    assert.equal(toEngineValue({ ...ref, id: "" }), "urn:x");
    const out = { [SIG]: "d0e6a833031e9bbcd3f4e8bde6ca49a4" };
    assert.equal(toEngineValue(out), ENGINE_UNKNOWN_SENTINEL);
    assert.equal(toEngineValue({ ...out, value: "x" }), "x");
    assert.deepEqual(toEngineValue({ ...out, value: "s", secret: true }), {
      [SIG]: "1b47061264138c4ac30d75fd1eb44270",
      value: "s",
    });
  });

  it("parses Go durations into seconds", () => {
    assert.equal(durationToSeconds(undefined), 0);
    assert.equal(durationToSeconds("60m"), 3600);
    assert.equal(durationToSeconds("1h30m"), 5400);
    assert.equal(durationToSeconds("1.5h"), 5400);
    assert.equal(durationToSeconds("250ms"), 0.25);
    assert.throws(() => durationToSeconds("an hour"), /customTimeouts: "an hour" is not a Go duration/);
    assert.throws(() => durationToSeconds("10"), /not a Go duration/);
  });
});
