/**
 * The SVG chart: well-formed XML with the series and marks it promises, and it renders (resvg rasterises it; the
 * drop marks come out red where the simulator dropped requests).
 */
import { strict as assert } from "node:assert";
import { DOMParser } from "@xmldom/xmldom";
import { Resvg } from "@resvg/resvg-js";
import { capacityChartSvg, chartFileName, CHART_COLOURS } from "../../../tools/capacity/chart";
import { endpoint, profile, run } from "../../aws-facts/capacity/support/simulation";

/** 5 → 15 requests/s at minute 10 on one 10-request/s instance, scaling off: drops from 10:00 to 20:00. */
function droppingProfile() {
  return run(
    endpoint(),
    profile(30, 5, [
      { atMinute: 10, rps: 15 },
      { atMinute: 20, rps: 5 },
    ]),
  );
}

function parse(svg: string) {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== "warning") errors.push(message);
    },
  }).parseFromString(svg, "image/svg+xml");
  assert.deepEqual(errors, [], "the SVG is well-formed XML");
  return doc;
}

describe("capacity chart (SVG)", () => {
  it("is an SVG document with the offered, served, capacity and instance series, a legend and the drops marked", () => {
    const result = droppingProfile();
    const doc = parse(capacityChartSvg("dev", "api", result));
    const root = doc.documentElement!;
    assert.equal(root.nodeName, "svg");
    assert.equal(root.getAttribute("xmlns"), "http://www.w3.org/2000/svg");
    const byClass = (tag: string, cls: string) =>
      Array.from(doc.getElementsByTagName(tag)).filter((e) => e.getAttribute("class") === cls);
    for (const series of ["offered", "served", "capacity", "instances"]) {
      const path = byClass("path", series);
      assert.equal(path.length, 1, `one ${series} path`);
      assert.match(path[0].getAttribute("d")!, /^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+$/);
    }
    // One mark per 10-second step with drops: 60 steps from 10:00 to 20:00.
    const drops = byClass("rect", "dropped");
    assert.equal(drops.length, result.timeline.filter((e) => e.droppedRps > 0).length);
    assert.equal(drops.length, 60);
    assert.equal(byClass("rect", "throttled").length, 0);
    assert.equal(drops[0].getAttribute("fill"), CHART_COLOURS.dropped);
    const text = Array.from(doc.getElementsByTagName("text"))
      .map((t) => t.textContent)
      .join(" | ");
    assert.match(text, /dev: api, profile "test"/);
    assert.match(text, /dropped 3000 \(\d+\.\d\d%\)/);
    assert.match(text, /instances in service/);
  });

  it("escapes names and renders to an image with the drop marks in red", () => {
    const result = droppingProfile();
    const svg = capacityChartSvg("dev", 'a<b>&"c"', result);
    parse(svg);
    const png = new Resvg(svg, { fitTo: { mode: "original" } }).render();
    assert.equal(png.width, 900);
    assert.equal(png.height, 360);
    // The first drop mark sits at 10:00 of 30 minutes: x = 60 + (600 / 1800) × 780 = 320, in the 8-px band at the
    // bottom of the plot (y 282–290).
    const at = (x: number, y: number) => {
      const i = (y * png.width + x) * 4;
      return [png.pixels[i], png.pixels[i + 1], png.pixels[i + 2]];
    };
    const [r, g, b] = at(330, 286);
    assert.ok(r > 180 && g < 120 && b < 120, `expected red at the drop mark, got rgb(${r}, ${g}, ${b})`);
    const [r0, g0, b0] = at(100, 286);
    assert.ok(!(r0 > 180 && g0 < 120 && b0 < 120), "no drop mark before the spike");
  });

  it("downsamples a day to the plot's width and names files by stack and profile", () => {
    const day = run(endpoint(), profile(24 * 60, 5, [{ atMinute: 600, rps: 15, rampMinutes: 60 }]));
    const doc = parse(capacityChartSvg("prod", "api", day));
    const points = doc.getElementsByTagName("path")[0].getAttribute("d")!.split(" ").length;
    assert.ok(points <= 2 * 780, `${points} points for 8640 steps`);
    assert.equal(chartFileName("prod", "5x spike"), "prod-5x-spike.svg");
    assert.equal(chartFileName("prod", "Daily peak!", "api"), "prod-api-daily-peak.svg");
  });
});
