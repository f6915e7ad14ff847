// The OpenSearch client's transport, sending a request that finds a node down to the next node
// (search/node-failover.ts).
import { Transport, type ApiError, type ApiResponse } from "@opensearch-project/opensearch";
import type {
  TransportRequestCallback,
  TransportRequestOptions,
  TransportRequestParams,
  TransportRequestPromise,
} from "@opensearch-project/opensearch/lib/Transport.js";
import { isStreamBody, sendToLiveNode } from "../search/node-failover.js";

export class FailoverTransport extends Transport {
  override request(
    params: TransportRequestParams,
    options?: TransportRequestOptions,
  ): TransportRequestPromise<ApiResponse>;
  override request(
    params: TransportRequestParams,
    options?: TransportRequestOptions,
    callback?: (err: ApiError, result: ApiResponse) => void,
  ): TransportRequestCallback;
  override request(
    params: TransportRequestParams,
    options?: TransportRequestOptions,
    callback?: (err: ApiError, result: ApiResponse) => void,
  ): TransportRequestPromise<ApiResponse> | TransportRequestCallback {
    // synced awaits every request; a caller's callback keeps the client's own behaviour.
    if (callback !== undefined || isStreamBody(params.body ?? params.bulkBody)) {
      return super.request(params, options, callback);
    }
    let current: TransportRequestPromise<ApiResponse> | undefined;
    const result = sendToLiveNode(
      () => (current = super.request(params, options)),
      () => this.connectionPool.size,
    );
    return Object.assign(result, { abort: () => current?.abort() });
  }
}
