// The OpenSearch client's JSON with 64-bit integers kept exact both ways (search/json-text.ts), as
// the Elasticsearch adapter's serializer does: the same writer and reader, under this client's class.
import { errors, Serializer } from "@opensearch-project/opensearch";
import { parseJsonLossless } from "../../core/canonical-json.js";
import { mayHoldInexactNumber } from "../../core/number-literal.js";
import { JsonTextError, toJsonText } from "../search/json-text.js";

export class OpenSearchLosslessSerializer extends Serializer {
  override serialize(object: Record<string, unknown>): string {
    try {
      return toJsonText(object);
    } catch (error) {
      if (error instanceof JsonTextError) throw new errors.SerializationError(error.message, object);
      throw error;
    }
  }

  override deserialize(json: string): unknown {
    // The base class also guards against prototype poisoning; the lossless reader is used only when a
    // number could change as a double, after that guard has seen the text.
    const parsed: unknown = super.deserialize(json);
    return mayHoldInexactNumber(json) ? parseJsonLossless(json) : parsed;
  }
}
