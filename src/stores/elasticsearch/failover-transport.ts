// The Elasticsearch client's transport, sending a request that finds a node down to the next node
// (search/node-failover.ts).
import {
  SniffingTransport,
  type TransportRequestOptions,
  type TransportRequestOptionsWithMeta,
  type TransportRequestParams,
  type TransportResult,
} from "@elastic/elasticsearch";
import { isStreamBody, sendToLiveNode } from "../search/node-failover.js";

export class FailoverTransport extends SniffingTransport {
  override request<TResponse = unknown, TContext = unknown>(
    params: TransportRequestParams,
    options?: TransportRequestOptionsWithMeta,
  ): Promise<TransportResult<TResponse, TContext>>;
  override request<TResponse = unknown>(
    params: TransportRequestParams,
    options?: TransportRequestOptions,
  ): Promise<TResponse>;
  override request(params: TransportRequestParams, options?: TransportRequestOptions): Promise<unknown> {
    const send = (): Promise<unknown> => super.request(params, options);
    if (isStreamBody(params.body ?? params.bulkBody)) return send();
    return sendToLiveNode(send, () => this.connectionPool.size);
  }
}
