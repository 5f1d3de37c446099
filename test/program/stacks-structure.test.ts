/**
 * Both real stacks under the mock runtime: resource counts by type, the component tree, and the stack outputs.
 */
import { strict as assert } from "node:assert";
import { CHILDREN, TYPES as T } from "../support/type-tokens";
import { realStacks, type Graph } from "./support/real-stacks";

describe("the program with the real stack files", function () {
  this.timeout(240_000);
  let dev: Graph;
  let prod: Graph;
  before(async () => {
    ({ dev, prod } = await realStacks());
  });

  describe("structure", () => {
    const common = {
      [T.stack]: 1,
      [T.projectBucket]: 1,
      [T.notebookComponent]: 1,
      [T.trainingComponent]: 1,
      [T.endpointComponent]: 1,
      [T.functionComponent]: 1,
      [T.bucket]: 1,
      [T.sse]: 1,
      [T.versioning]: 1,
      [T.pab]: 1,
      [T.bucketPolicy]: 1,
      [T.ownership]: 1,
      [T.lifecycleRules]: 1,
      [T.notebook]: 1,
      [T.notebookLifecycle]: 1,
      [T.model]: 1,
      [T.endpointConfig]: 1,
      [T.endpoint]: 1,
      [T.target]: 1,
      [T.scalingPolicy]: 1,
      [T.fn]: 1,
      [T.alias]: 1,
      [T.pc]: 1,
      [T.logGroup]: 1,
      [T.instance]: 1,
      [T.sg]: 1,
      [T.egress]: 1,
      // notebook, training job, training host, model, function
      [T.role]: 5,
      [T.rolePolicy]: 5,
      [T.attachment]: 1,
      [T.profile]: 1,
      // notebook volume, endpoint volumes
      [T.key]: 2,
    };

    it("dev: counts by type", () => {
      assert.deepEqual(dev.countsByType(), common);
    });

    it("prod: counts by type (plus the rollback alarm and one SSH rule)", () => {
      // prod also has the access-log bucket with its own settings and delivery, and the log group's key.
      const logBucket = [T.bucket, T.sse, T.versioning, T.pab, T.bucketPolicy, T.ownership, T.lifecycleRules];
      assert.deepEqual(prod.countsByType(), {
        ...common,
        [T.alarm]: 1,
        [T.ingress]: 1,
        ...Object.fromEntries(logBucket.map((type) => [type, 2])),
        [T.bucketLogging]: 1,
        [T.key]: 3,
      });
    });

    for (const stackName of ["dev", "prod"]) {
      it(`${stackName}: the stack holds the five components, and every AWS resource is a component's child`, () => {
        const graph = stackName === "dev" ? dev : prod;
        const root = graph.one(T.stack);
        assert.deepEqual(
          graph
            .childrenOf(root)
            .map((r) => r.type)
            .sort(),
          [
            T.projectBucket,
            T.notebookComponent,
            T.trainingComponent,
            T.endpointComponent,
            T.functionComponent,
          ].sort(),
        );
        for (const r of graph.stack.resources.filter((x) => x.custom)) {
          assert.ok(r.parent, `${r.name} has no parent`);
          assert.notEqual(graph.byUrn(r.parent).type, T.stack, `${r.name} is not inside a component`);
        }
        const expectedChildren: Record<string, string[]> = Object.fromEntries(
          Object.entries(CHILDREN).map(([type, children]) => [type, [...children]]),
        );
        if (stackName === "prod") {
          expectedChildren[T.endpointComponent]!.push(T.alarm);
          expectedChildren[T.trainingComponent]!.push(T.ingress);
          expectedChildren[T.projectBucket]!.push(...CHILDREN[T.projectBucket]!, T.bucketLogging);
          expectedChildren[T.functionComponent]!.push(T.key);
        }
        for (const [componentType, childTypes] of Object.entries(expectedChildren)) {
          const component = graph.one(componentType);
          assert.deepEqual(
            graph
              .childrenOf(component)
              .map((r) => r.type)
              .sort(),
            [...childTypes].sort(),
            `children of ${componentType}`,
          );
        }
      });
    }

    it("exports the endpoint name, function name, alias ARN, notebook URL, training host id and bucket name", () => {
      for (const graph of [dev, prod]) {
        const out = graph.stack.outputs;
        assert.deepEqual(Object.keys(out).sort(), [
          "aliasArn",
          "bucketName",
          "endpointName",
          "functionName",
          "notebookUrl",
          "trainingHostId",
        ]);
        assert.equal(out.endpointName, graph.one(T.endpoint).outputs.name);
        assert.equal(out.functionName, graph.one(T.fn).outputs.name);
        assert.equal(out.aliasArn, graph.one(T.alias).outputs.arn);
        assert.equal(out.trainingHostId, graph.one(T.instance).outputs.id);
        assert.equal(
          out.bucketName,
          graph.one(T.bucket, `ml-platform-${graph.stack.stack}-artifacts`).outputs.bucket,
        );
        assert.match(String(out.notebookUrl), /^https:\/\/.+\.notebook\.us-east-1\.sagemaker\.aws$/);
      }
      assert.equal(dev.stack.outputs.functionName, "ml-platform-dev-inference");
      assert.match(String(prod.stack.outputs.endpointName), /^ml-platform-prod-endpoint-[0-9a-f]{8}$/);
    });
  });
});
