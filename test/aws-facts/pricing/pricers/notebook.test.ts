import { strict as assert } from "node:assert";
import { DEFAULT_COST_ASSUMPTIONS, estimateStackCost } from "@ml-platform/aws-facts/pricing";
import { idleStopScript } from "@ml-platform/components/lib/notebook-idle-stop";
import { assertUsd, BOOK, IDLE_STOP_SCRIPT, MONTH_HOURS, notebookStack, onlyLine } from "../graph-builder";

const hourly = (type: string) => BOOK.sagemaker.notebook[type]!.usd;
const storage = () => BOOK.sagemaker.mlStorageGbMonth!.usd;

describe("pricing: SageMaker notebook instances", () => {
  it("prices an always-on notebook at 730 h of its type plus its volume for the whole month", () => {
    const estimate = estimateStackCost(notebookStack({ instanceType: "ml.t3.medium", volumeSize: 50 }), {
      region: "us-east-1",
    });
    const hours = onlyLine(estimate, "nb-instance", /instance-hours/);
    assert.deepEqual(hours.quantity, { min: MONTH_HOURS, max: MONTH_HOURS });
    assertUsd(hours.monthlyMax, hourly("ml.t3.medium") * MONTH_HOURS);
    assert.equal(hours.confidence, BOOK.sagemaker.notebook["ml.t3.medium"]!.confidence);
    assert.match(hours.basis, /always on: 730 h\/month \(no lifecycle configuration\)/);
    const volume = onlyLine(estimate, "nb-instance", /ML storage/);
    assert.deepEqual(volume.quantity, { min: 50, max: 50 });
    assertUsd(volume.monthlyMax, 50 * storage());
    assertUsd(estimate.totals.monthlyMax, hourly("ml.t3.medium") * MONTH_HOURS + 50 * storage());
  });

  it("prices AWS's 5 GB default volume when volumeSize is unset", () => {
    const estimate = estimateStackCost(notebookStack({}), { region: "us-east-1" });
    const volume = onlyLine(estimate, "nb-instance", /ML storage/);
    assertUsd(volume.monthlyMax, 5 * storage());
    assert.match(volume.basis, /AWS default 5 GB/);
  });

  describe("idle auto-stop, read from the lifecycle configuration's ml-platform:idle-stop-minutes tag", () => {
    it("prices working hours at the low end and 730 h at the high end, naming the minutes", () => {
      const estimate = estimateStackCost(notebookStack({ script: idleStopScript(45), idleStopTag: "45" }), {
        region: "us-east-1",
      });
      const line = onlyLine(estimate, "nb-instance", /instance-hours/);
      const low = DEFAULT_COST_ASSUMPTIONS.notebookIdleStopHoursPerMonth;
      assert.deepEqual(line.quantity, { min: low, max: MONTH_HOURS });
      assertUsd(line.monthlyMin, low * hourly("ml.t3.medium"));
      assertUsd(line.monthlyMax, MONTH_HOURS * hourly("ml.t3.medium"));
      assert.match(
        line.basis,
        /idle auto-stop attached \(lifecycle configuration nb-lifecycle, stops after 45 idle minutes\)/,
      );
    });

    it("takes the working hours from the caller's assumption", () => {
      const estimate = estimateStackCost(notebookStack({ script: "#!/bin/bash\n", idleStopTag: "60" }), {
        region: "us-east-1",
        assumptions: { notebookIdleStopHoursPerMonth: 100 },
      });
      assertUsd(onlyLine(estimate, "nb-instance", /instance-hours/).monthlyMin, 100 * hourly("ml.t3.medium"));
    });

    it("never reads the script: an auto-stop script without the tag is priced always on", () => {
      for (const script of [IDLE_STOP_SCRIPT, idleStopScript(30)]) {
        const estimate = estimateStackCost(notebookStack({ script }), { region: "us-east-1" });
        const line = onlyLine(estimate, "nb-instance", /instance-hours/);
        assert.deepEqual(line.quantity, { min: MONTH_HOURS, max: MONTH_HOURS });
        assert.match(line.basis, /declares no idle auto-stop \(no ml-platform:idle-stop-minutes tag\)/);
      }
    });

    it("prices always on, saying why, when the tag is not a whole number of minutes", () => {
      for (const bad of ["", "sixty", "60.5", "-5", "0"]) {
        const estimate = estimateStackCost(notebookStack({ script: "#!/bin/bash\n", idleStopTag: bad }), {
          region: "us-east-1",
        });
        const line = onlyLine(estimate, "nb-instance", /instance-hours/);
        assert.deepEqual(line.quantity, { min: MONTH_HOURS, max: MONTH_HOURS }, JSON.stringify(bad));
        assert.match(line.basis, /invalid ml-platform:idle-stop-minutes tag/);
      }
    });

    it("ignores a tagged configuration that is not attached to the notebook", () => {
      const detach = (props: Record<string, unknown>) => {
        const { lifecycleConfigName: _detached, ...rest } = props;
        return rest;
      };
      const graph = notebookStack({ script: "#!/bin/bash\n", idleStopTag: "60" }).map((r) =>
        r.name === "nb-instance"
          ? { ...r, inputs: detach(r.inputs), outputs: detach(r.outputs), propertyDependencies: {} }
          : r,
      );
      const line = onlyLine(
        estimateStackCost(graph, { region: "us-east-1" }),
        "nb-instance",
        /instance-hours/,
      );
      assert.deepEqual(line.quantity, { min: MONTH_HOURS, max: MONTH_HOURS });
    });
  });

  it("explains a malformed instance type with the parser's reason", () => {
    const estimate = estimateStackCost(notebookStack({ instanceType: "ml.turbo" }), { region: "us-east-1" });
    const line = onlyLine(estimate, "nb-instance", /instance-hours/);
    assert.equal(line.status, "unknown");
    assert.match(line.reason!, /cannot be parsed as an instance type/);
  });
});
