/**
 * The IAM corpus: attempts to sneak FullAccess or wildcard permissions past the IAM policies (each must be
 * caught), and legitimate least-privilege documents, the stack's own roles among them (none may be flagged).
 * Shared by the unit corpus test and the end-to-end run through the compiled pack.
 */
export { SNEAK_ATTEMPTS } from "./corpus/iam-sneak-attempts";
export { LEGITIMATE } from "./corpus/iam-legitimate";
