/**
 * The rendering of `aws.iam.getPolicyDocument`, the one data source answered by computation instead of fixtures.
 */
import { str, type Props } from "./context";

/**
 * Renders `aws.iam.getPolicyDocument` inputs as the provider does (terraform-provider-aws
 * data_source_iam_policy_document): Effect defaults to Allow, a one-element action/resource list becomes a string,
 * longer lists are sorted in reverse order, principals are grouped by type and conditions by test then variable.
 */
export function renderPolicyDocument(inputs: Props): Props {
  const doc: Props = { Version: str(inputs.version) ?? "2012-10-17" };
  if (str(inputs.policyId)) doc.Id = inputs.policyId;
  const statements = Array.isArray(inputs.statements) ? (inputs.statements as Props[]) : [];
  doc.Statement = statements.map((s) => {
    const out: Props = {};
    if (str(s.sid)) out.Sid = s.sid;
    out.Effect = str(s.effect) ?? "Allow";
    const list = (key: string, value: unknown) => {
      if (!Array.isArray(value) || value.length === 0) return;
      const items = [...new Set(value.map(String))];
      out[key] = items.length === 1 ? items[0] : items.sort().reverse();
    };
    list("Action", s.actions);
    list("NotAction", s.notActions);
    list("Resource", s.resources);
    list("NotResource", s.notResources);
    const principals = (key: string, value: unknown) => {
      if (!Array.isArray(value) || value.length === 0) return;
      const grouped: Record<string, string[]> = {};
      for (const p of value as Props[]) {
        const type = String(p.type);
        const ids = Array.isArray(p.identifiers) ? p.identifiers.map(String) : [];
        grouped[type] = [...(grouped[type] ?? []), ...ids];
      }
      if (Object.keys(grouped).length === 1 && grouped["*"]) {
        out[key] = "*";
        return;
      }
      out[key] = Object.fromEntries(
        Object.entries(grouped).map(([t, ids]) => [t, ids.length === 1 ? ids[0] : ids.sort().reverse()]),
      );
    };
    principals("Principal", s.principals);
    principals("NotPrincipal", s.notPrincipals);
    if (Array.isArray(s.conditions) && s.conditions.length > 0) {
      const cond: Record<string, Record<string, unknown>> = {};
      for (const c of s.conditions as Props[]) {
        const test = String(c.test);
        const values = Array.isArray(c.values) ? c.values.map(String) : [];
        cond[test] = {
          ...(cond[test] ?? {}),
          [String(c.variable)]: values.length === 1 ? values[0] : values,
        };
      }
      out.Condition = cond;
    }
    return out;
  });
  return doc;
}
