// The OpenSearch client's errors as SearchErrors, at the adapter's edge: an answer is classified by
// its status and body (search/search-error.ts), no answer is transient, and anything else the client
// raises is a failure no retry cures. The client's error stays the cause.
import { errors } from "@opensearch-project/opensearch";
import { answerError, clientFailure, noAnswerError } from "../search/search-error.js";

/** The SearchError for an error of the OpenSearch client; any other error unchanged. */
export function fromOpenSearchError(error: unknown): unknown {
  if (!(error instanceof errors.OpenSearchClientError)) return error;
  if (error instanceof errors.ResponseError) {
    const meta = error.meta as { statusCode?: number | null; body?: unknown } | undefined;
    return answerError(meta?.statusCode ?? 0, meta?.body, error.message, error);
  }
  if (error instanceof errors.TimeoutError) return noAnswerError(error.message, true, error);
  if (error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError) {
    return noAnswerError(error.message, false, error);
  }
  return clientFailure(error.message, error);
}
