// OpenSearch client errors as the Elasticsearch client's classes, so the classifications written for
// the search side (transient or not, lost point in time, refused credentials, missing document) and
// their messages apply unchanged. The status, body and headers carry over; the request details do not.
import { errors as esErrors } from "@elastic/elasticsearch";
import { errors as osErrors } from "@opensearch-project/opensearch";

type Meta = ConstructorParameters<typeof esErrors.ResponseError>[0];

function diagnostic(
  meta: { body?: unknown; statusCode?: number | null; headers?: unknown } | undefined,
): Meta {
  return {
    body: meta?.body,
    ...(typeof meta?.statusCode === "number" ? { statusCode: meta.statusCode } : {}),
    headers: (meta?.headers ?? {}) as NonNullable<Meta["headers"]>,
    warnings: null,
    meta: {
      context: null,
      name: "opensearch",
      request: { params: { method: "", path: "" }, options: {}, id: 0 },
      connection: null,
      attempts: 0,
      aborted: false,
    },
  };
}

/** The Elasticsearch client's counterpart of an OpenSearch client error; anything else unchanged. */
export function asElasticsearchError(error: unknown): unknown {
  if (!(error instanceof osErrors.OpenSearchClientError)) return error;
  const translated = translate(error);
  // The original stays reachable, as the socket error under it is (TLS problems are read from there).
  Object.defineProperty(translated, "cause", { value: error, enumerable: false, configurable: true });
  return translated;
}

function translate(error: osErrors.OpenSearchClientError): Error {
  if (error instanceof osErrors.ResponseError) return new esErrors.ResponseError(diagnostic(error.meta));
  if (error instanceof osErrors.TimeoutError) return new esErrors.TimeoutError(error.message, undefined);
  if (error instanceof osErrors.NoLivingConnectionsError) {
    return new esErrors.NoLivingConnectionsError(error.message, diagnostic(error.meta));
  }
  if (error instanceof osErrors.ConnectionError)
    return new esErrors.ConnectionError(error.message, undefined);
  if (error instanceof osErrors.RequestAbortedError) {
    return new esErrors.RequestAbortedError(error.message, undefined);
  }
  if (error instanceof osErrors.DeserializationError) {
    return new esErrors.DeserializationError(error.message, error.data);
  }
  if (error instanceof osErrors.SerializationError) {
    return new esErrors.SerializationError(error.message, {});
  }
  return new esErrors.ElasticsearchClientError(error.message);
}
