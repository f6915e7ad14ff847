// The OpenSearch client's JSON with 64-bit integers kept exact both ways, as the Elasticsearch side's
// LosslessSerializer does (same writer, same reader); only the base class differs.
import { Serializer } from "@opensearch-project/opensearch";
import { parseJsonLossless } from "../../core/canonical-json.js";
import { hasLongDigitRun, toJsonText } from "../elasticsearch/serializer.js";

export class OpenSearchLosslessSerializer extends Serializer {
  override serialize(object: Record<string, unknown>): string {
    return toJsonText(object);
  }

  override deserialize(json: string): unknown {
    // The base class also guards against prototype poisoning; the lossless reader is used only when a
    // number could be beyond 2^53, after that guard has seen the text.
    const parsed: unknown = super.deserialize(json);
    return hasLongDigitRun(json) ? parseJsonLossless(json) : parsed;
  }
}
