// The Elasticsearch client's errors as SearchErrors, at the adapter's edge: an answer is classified by
// its status and body (search/search-error.ts), no answer is transient, and anything else the client
// raises is a failure no retry cures. The client's error stays the cause.
import { errors } from "@elastic/elasticsearch";
import { answerError, clientFailure, noAnswerError, textAnswerFailure } from "../search/search-error.js";

/** The SearchError for an error of the Elasticsearch client; any other error unchanged. */
export function fromElasticsearchError(error: unknown): unknown {
  if (!(error instanceof errors.ElasticsearchClientError)) return error;
  if (error instanceof errors.ResponseError) {
    return answerError(error.statusCode ?? 0, error.body, error.message, error);
  }
  // The client checks that every answer names Elasticsearch in its X-Elastic-Product header, before
  // it reads the body; one that does not (a proxy's own page) is said as such, with its content type,
  // rather than as "the server is not Elasticsearch" of a cluster that answered a moment before.
  if (error instanceof errors.ProductNotSupportedError) {
    const { statusCode, body, headers } = (error.meta ?? {}) as {
      statusCode?: number | null;
      body?: unknown;
      headers?: Record<string, unknown> | null;
    };
    if (typeof body === "string") return textAnswerFailure(statusCode ?? 0, body, error);
    const type = headers?.["content-type"];
    return clientFailure(
      `the answer (${statusCode ?? "no status"}${typeof type === "string" ? `, ${type}` : ""}) did not ` +
        "come from Elasticsearch, which names itself in a header of every answer: a proxy or load " +
        "balancer in front of the cluster answered",
      error,
    );
  }
  if (error instanceof errors.TimeoutError) return noAnswerError(error.message, true, error);
  if (error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError) {
    return noAnswerError(error.message, false, error);
  }
  return clientFailure(error.message, error);
}
