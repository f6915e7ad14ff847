// How a conditional write of one document is asked for, in the URL parameters both products take.
import type { DocumentVersion } from "./search-client.js";

export type ConditionParameters =
  | { readonly op_type: "create" }
  | { readonly if_seq_no: number; readonly if_primary_term: number }
  | Record<string, never>;

/** `absent`: created only where there is none; a version: written only while the document holds it. */
export function conditionParameters(condition: "absent" | DocumentVersion | undefined): ConditionParameters {
  if (condition === undefined) return {};
  if (condition === "absent") return { op_type: "create" };
  return { if_seq_no: condition.seqNo, if_primary_term: condition.primaryTerm };
}
