import { strict as assert } from "node:assert";
import {
  estimateStackCost,
  formatCostTable,
  formatUnitUsd,
  formatUsd,
  formatUsdRange,
  summarizeEstimate,
} from "@ml-platform/aws-facts/pricing";
import { BOOK, endpointStack, functionStack, notebookStack } from "./graph-builder";

const escape = (text: string) => text.replace(/[$.*+?^()[\]{}|\\]/g, "\\$&");

describe("pricing: formatCostTable", () => {
  it("prints each line's quantity, unit price, monthly range, confidence and basis, and the stack total", () => {
    const graph = [
      ...notebookStack({ volumeSize: 50 }),
      ...endpointStack({ min: 1, max: 3 }),
      ...functionStack(128, 3),
    ];
    const estimate = estimateStackCost(graph, { region: "us-east-1" });
    const table = formatCostTable(estimate);
    assert.match(table, /Resource\s+Type\s+Item\s+Quantity\s+Unit price\s+Monthly \(USD\)\s+Confidence/);
    const hosting = BOOK.sagemaker.hosting["ml.m5.large"]!;
    assert.match(
      table,
      new RegExp(
        `classifier-endpoint\\s+sagemaker:Endpoint\\s+ml\\.m5\\.large hosting.*730–2,190 hour\\s+` +
          escape(`${formatUnitUsd(hosting.usd)}/hour`) +
          `\\s+${escape(formatUsdRange(730 * hosting.usd, 2190 * hosting.usd))}\\s+${hosting.confidence}`,
      ),
    );
    const notebook = BOOK.sagemaker.notebook["ml.t3.medium"]!;
    assert.match(
      table,
      new RegExp(
        `nb-instance\\s+sagemaker:NotebookInstance.*${escape(formatUsd(730 * notebook.usd))}\\s+${notebook.confidence}`,
      ),
    );
    const provisioned = BOOK.lambda.x86_64.provisionedConcurrencyGbSecond!;
    assert.match(
      table,
      new RegExp(
        `infer-provisioned.*${escape(`${formatUnitUsd(provisioned.usd)}/GB-second`)}\\s+` +
          `${escape(formatUsd(3 * 0.125 * 730 * 3600 * provisioned.usd))}\\s+AWS`,
      ),
    );
    assert.match(table, /Basis:\n\s+\[1\] always on: 730 h/);
    assert.ok(table.includes(`price: ${notebook.source}, as of ${notebook.asOf}`));
    const total = `${summarizeEstimate(estimate).split(" per month")[0]}`;
    assert.match(table, new RegExp(`^Total\\s+${total.replace(/[$.]/g, "\\$&")}$`, "m"));
  });

  /** [start, end) of each run of `pattern` in `line`. */
  const spans = (line: string, pattern: RegExp) =>
    [...line.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length] as const);

  for (const basis of [true, false]) {
    it(`draws one rule segment under each column heading and none elsewhere (basis: ${basis})`, () => {
      const estimate = estimateStackCost([...endpointStack({ min: 1, max: 3 }), ...functionStack(128, 3)], {
        region: "us-east-1",
      });
      const lines = formatCostTable(estimate, { basis }).split("\n");
      const headerAt = lines.findIndex((l) => l.startsWith("Resource "));
      const header = lines[headerAt]!;
      const rules = lines.filter((l) => /^-+( +-+)*$/.test(l));
      assert.equal(rules.length, 2, "one rule under the header, one above the total");
      assert.equal(lines[headerAt + 1], rules[0]);
      // Headings are separated by two or more spaces; single spaces sit inside one ("Unit price").
      const headings = spans(header, /\S+(?: \S+)*/g);
      const expected = ["Resource", "Type", "Item", "Quantity", "Unit price", "Monthly (USD)", "Confidence"];
      assert.deepEqual(
        headings.map(([a, b]) => header.slice(a, b)),
        basis ? [...expected, "Basis"] : expected,
      );
      for (const rule of rules) {
        const segments = spans(rule, /-+/g);
        assert.equal(segments.length, headings.length, `a rule segment per heading:\n${header}\n${rule}`);
        headings.forEach(([a, b], i) => {
          const [from, to] = segments[i]!;
          assert.ok(from <= a && b <= to, `"${header.slice(a, b)}" is not above its rule segment`);
        });
      }
      // Line references point at notes that exist, and only when the notes are printed.
      assert.equal(lines.includes("Basis:"), basis);
      assert.equal(/\[1\]\s*$/m.test(lines.slice(0, headerAt + 3).join("\n")), basis);
    });
  }
});
