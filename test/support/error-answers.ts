// An error answer of the cluster, as each product's client raises it and synced's adapter for that
// product turns it into a SearchError: for unit tests of what synced makes of the cluster's words.
import * as es from "@elastic/elasticsearch";
import * as os from "@opensearch-project/opensearch";
import { fromElasticsearchError } from "../../src/stores/elasticsearch/elasticsearch-errors.js";
import { fromOpenSearchError } from "../../src/stores/opensearch/opensearch-errors.js";

/** Each product's name, with the SearchError its adapter makes of an answer of `statusCode` and `body`. */
export const ANSWERED_BY = [
  [
    "Elasticsearch",
    (statusCode: number, body: unknown) =>
      fromElasticsearchError(
        new es.errors.ResponseError({ body, statusCode, headers: {}, warnings: null, meta: {} as never }),
      ),
  ],
  [
    "OpenSearch",
    (statusCode: number, body: unknown) =>
      fromOpenSearchError(
        new os.errors.ResponseError({ body, statusCode, headers: {}, warnings: null, meta: {} as never }),
      ),
  ],
] as const;
