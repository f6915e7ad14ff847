// JSON for the Elasticsearch client that keeps 64-bit integers exact both ways (search/json-text.ts):
// a bigint is written as a number literal, and a response integer beyond ±2^53 is read as a bigint,
// another number a double would change as its literal (core/number-literal.ts).
// Pass the class as `new Client({ Serializer: LosslessSerializer })`.
import { errors, Serializer } from "@elastic/elasticsearch";
import { parseJsonLossless } from "../../core/canonical-json.js";
import { mayHoldInexactNumber } from "../../core/number-literal.js";
import { JsonTextError, toJsonText } from "../search/json-text.js";

type SerializerOptions = NonNullable<ConstructorParameters<typeof Serializer>[0]>;

export class LosslessSerializer extends Serializer {
  private readonly guardPrototypes: boolean;

  constructor(options: SerializerOptions = {}) {
    super(options);
    this.guardPrototypes = (options.enablePrototypePoisoningProtection ?? false) !== false;
  }

  override serialize(object: Record<string, unknown>): string {
    try {
      return toJsonText(object);
    } catch (error) {
      if (error instanceof JsonTextError) throw new errors.SerializationError(error.message, object);
      throw error;
    }
  }

  // ndserialize (bulk bodies) calls serialize for each line that is not already a string, so bigints
  // are handled there too; search/bulk-write.ts passes documents it has already turned into text.

  // The type parameter is the base class's signature, kept so callers see no difference.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  override deserialize<T = unknown>(json: string): T {
    if (!mayHoldInexactNumber(json)) return super.deserialize<T>(json);
    // The built-in parse first rejects prototype-poisoning keys when that protection is on.
    if (this.guardPrototypes) super.deserialize(json);
    try {
      return parseJsonLossless(json) as T;
    } catch (error) {
      throw new errors.DeserializationError(error instanceof Error ? error.message : String(error), json);
    }
  }
}
