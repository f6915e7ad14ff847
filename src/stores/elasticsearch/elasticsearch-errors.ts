// The Elasticsearch client's errors as SearchErrors, at the adapter's edge: an answer is classified by
// its status and body (search/search-error.ts), no answer is transient, and anything else the client
// raises is a failure no retry cures. The client's error stays the cause.
import { errors } from "@elastic/elasticsearch";
import { answerError, clientFailure, noAnswerError } from "../search/search-error.js";

/** The SearchError for an error of the Elasticsearch client; any other error unchanged. */
export function fromElasticsearchError(error: unknown): unknown {
  if (!(error instanceof errors.ElasticsearchClientError)) return error;
  if (error instanceof errors.ResponseError) {
    return answerError(error.statusCode ?? 0, error.body, error.message, error);
  }
  if (error instanceof errors.TimeoutError) return noAnswerError(error.message, true, error);
  if (error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError) {
    return noAnswerError(error.message, false, error);
  }
  return clientFailure(error.message, error);
}
