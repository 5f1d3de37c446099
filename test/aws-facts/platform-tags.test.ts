import { strict as assert } from "node:assert";
import {
  IDLE_STOP_MINUTES_TAG,
  idleStopMinutesTagValue,
  readIdleStopMinutesTag,
} from "@ml-platform/aws-facts/platform-tags";

describe("platform tags: idle-stop minutes", () => {
  it("round-trips whole minutes through the tag value", () => {
    for (const minutes of [10, 60, 1440]) {
      assert.deepEqual(
        readIdleStopMinutesTag({ [IDLE_STOP_MINUTES_TAG]: idleStopMinutesTagValue(minutes) }),
        {
          minutes,
        },
      );
    }
  });

  it("is absent when the tag is, and invalid (with the raw value) when it holds anything but whole minutes", () => {
    assert.equal(readIdleStopMinutesTag(undefined), undefined);
    assert.equal(readIdleStopMinutesTag({ team: "ml" }), undefined);
    assert.equal(readIdleStopMinutesTag(["60"]), undefined);
    for (const bad of ["", "0", "-5", "60.5", "1e2", "sixty", 60, null]) {
      assert.deepEqual(
        readIdleStopMinutesTag({ [IDLE_STOP_MINUTES_TAG]: bad }),
        { invalid: typeof bad === "string" ? bad : JSON.stringify(bad) },
        JSON.stringify(bad),
      );
    }
  });
});
