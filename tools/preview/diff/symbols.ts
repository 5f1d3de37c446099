/** How each operation is marked, as `pulumi preview` marks it. */
import type { Operation, ResourceDiff } from "./types";
import { displayType } from "../plan";

export function symbolOf(d: ResourceDiff): string {
  switch (d.operation) {
    case "create":
      return "+";
    case "update":
      return "~";
    case "replace":
      return d.replaceOrder === "delete-before-replace" ? "-+" : "+-";
    case "delete":
      return "-";
    default:
      return " ";
  }
}

export function operationLabel(d: ResourceDiff): string {
  if (d.operation === "replace") {
    return `replace (${d.replaceOrder ?? "create-before-delete"})`;
  }
  return d.operation;
}

export const OPERATION_WORDS: Readonly<Record<Operation, string>> = {
  create: "to create",
  update: "to update",
  replace: "to replace",
  delete: "to delete",
  same: "unchanged",
};

export { displayType };
