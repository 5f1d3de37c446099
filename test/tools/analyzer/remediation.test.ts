import { strict as assert } from "node:assert";
import {
  formatPropertyPath,
  propertyChanges,
  withRemediatedInputs,
} from "../../../tools/analyzer/remediation";
import { captured } from "../../policy/support/e2e";

describe("remediation changes", () => {
  it("writes property paths as Pulumi does: dotted names, [n] for elements, quoted other keys", () => {
    assert.equal(formatPropertyPath(["metadataOptions", "httpTokens"]), "metadataOptions.httpTokens");
    assert.equal(formatPropertyPath(["ingress", 0, "cidrBlocks", 1]), "ingress[0].cidrBlocks[1]");
    assert.equal(formatPropertyPath(["tags", "team/owner"]), 'tags["team/owner"]');
    assert.equal(formatPropertyPath(["a-b"]), '["a-b"]');
  });

  it("lists every added, changed and removed leaf in path order, and nothing for equal bags", () => {
    const before = { a: 1, nested: { keep: true, old: "x" }, list: [1, 2], same: { deep: [1] } };
    const after = { a: 2, nested: { keep: true, added: null }, list: [1], same: { deep: [1] } };
    assert.deepEqual(propertyChanges(before, after), [
      { path: "a", kind: "change", before: 1, after: 2 },
      { path: "list[1]", kind: "remove", before: 2 },
      { path: "nested.added", kind: "add", after: null },
      { path: "nested.old", kind: "remove", before: "x" },
    ]);
    assert.deepEqual(propertyChanges(before, structuredClone(before)), []);
  });

  it("deploys the remediated inputs and carries the changed top-level properties into the outputs", () => {
    const resource = captured("aws:ec2/instance:Instance", "host", { a: 1, b: { c: 1 }, gone: "x" });
    const deployed = withRemediatedInputs(resource, resource.inputs, { a: 1, b: { c: 2 }, added: true });
    assert.deepEqual(deployed.inputs, { a: 1, b: { c: 2 }, added: true });
    assert.deepEqual(deployed.outputs, { a: 1, b: { c: 2 }, added: true, id: "host-id" });
    assert.deepEqual(
      resource.outputs,
      { a: 1, b: { c: 1 }, gone: "x", id: "host-id" },
      "the input is not mutated",
    );
  });
});
