// Each product's client errors become the same SearchError kinds at its adapter's edge, and the retry
// rule, a scan's restart and the messages decide on those kinds. No server is involved.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as es from "@elastic/elasticsearch";
import * as os from "@opensearch-project/opensearch";
import { fromElasticsearchError } from "../../src/stores/elasticsearch/elasticsearch-errors.js";
import { fromOpenSearchError } from "../../src/stores/opensearch/opensearch-errors.js";
import { SearchError, type SearchErrorKind } from "../../src/stores/search/search-error.js";
import type { ElasticsearchOptions } from "../../src/config/options.js";
import { connectFailure } from "../../src/stores/search/connect-failure.js";
import { searchFailure } from "../../src/stores/search/search-failure.js";
import { isTransientSearchError, isViewLost } from "../../src/stores/search/transient-errors.js";
import { AuthenticationError, ConnectionError, StoreError } from "../../src/stores/store-errors.js";

interface Product {
  readonly name: string;
  readonly answer: (status: number, body: unknown) => unknown;
  readonly connection: (message: string) => unknown;
  readonly timeout: (message: string) => unknown;
  readonly noLivingNode: () => unknown;
  readonly deserialization: () => unknown;
}

const elasticsearch: Product = {
  name: "Elasticsearch",
  answer: (statusCode, body) =>
    fromElasticsearchError(
      new es.errors.ResponseError({ body, statusCode, headers: {}, warnings: null, meta: {} as never }),
    ),
  connection: (message) => fromElasticsearchError(new es.errors.ConnectionError(message)),
  timeout: (message) => fromElasticsearchError(new es.errors.TimeoutError(message)),
  noLivingNode: () => fromElasticsearchError(new es.errors.NoLivingConnectionsError("none", {} as never)),
  deserialization: () => fromElasticsearchError(new es.errors.DeserializationError("bad", "{")),
};

const opensearch: Product = {
  name: "OpenSearch",
  answer: (statusCode, body) =>
    fromOpenSearchError(
      new os.errors.ResponseError({ body, statusCode, headers: {}, warnings: null, meta: {} as never }),
    ),
  connection: (message) => fromOpenSearchError(new os.errors.ConnectionError(message)),
  timeout: (message) => fromOpenSearchError(new os.errors.TimeoutError(message, {} as never)),
  noLivingNode: () => fromOpenSearchError(new os.errors.NoLivingConnectionsError("none", {} as never)),
  deserialization: () => fromOpenSearchError(new os.errors.DeserializationError("bad", "{")),
};

const refusal = (type: string, status: number) => ({ error: { type, reason: "why" }, status });

function kind(error: unknown): SearchErrorKind | undefined {
  return error instanceof SearchError ? error.kind : undefined;
}

for (const product of [elasticsearch, opensearch]) {
  describe(`${product.name} client errors`, () => {
    it("are transient when there was no answer, or the cluster was busy or restarting", () => {
      for (const error of [
        product.connection("connect ECONNREFUSED 127.0.0.1:1"),
        product.timeout("timed out"),
        product.noLivingNode(),
        ...[429, 502, 503, 504].map((status) => product.answer(status, {})),
      ]) {
        assert.equal(kind(error), "transient", String(error));
        assert.equal(isTransientSearchError(error), true);
      }
      const timedOut = product.timeout("timed out");
      assert.ok(timedOut instanceof SearchError && timedOut.answer.status === undefined);
      assert.equal(timedOut.answer.timedOut, true);
    });

    it("tell a lost view, a conflict, refused credentials and missing things apart", () => {
      const lost = product.answer(404, {
        error: {
          type: "search_phase_execution_exception",
          root_cause: [{ type: "search_context_missing_exception" }],
        },
      });
      assert.equal(kind(lost), "view-lost");
      assert.equal(isViewLost(lost), true);
      assert.equal(isTransientSearchError(lost), false);
      assert.equal(kind(product.answer(409, refusal("version_conflict_engine_exception", 409))), "conflict");
      assert.equal(kind(product.answer(401, {})), "credentials");
      assert.equal(kind(product.answer(403, refusal("security_exception", 403))), "credentials");
      assert.equal(kind(product.answer(404, { _id: "x", found: false })), "not-found");
      assert.equal(kind(product.answer(404, { _id: "x", result: "not_found" })), "not-found");
      // A 404 for the whole index is not a missing document: the state store must fail on it.
      assert.equal(kind(product.answer(404, refusal("index_not_found_exception", 404))), "index-missing");
      assert.equal(
        kind(product.answer(400, refusal("resource_already_exists_exception", 400))),
        "already-exists",
      );
      assert.equal(kind(product.answer(400, refusal("parsing_exception", 400))), "refused");
      assert.equal(kind(product.deserialization()), "failed");
    });

    it("read the most documents a page may ask for from a refusal of a larger page", () => {
      const shardFailure = (reason: string) => {
        const cause = { type: "illegal_argument_exception", reason };
        return {
          error: {
            root_cause: [cause],
            type: "search_phase_execution_exception",
            failed_shards: [{ reason: cause }],
          },
          status: 400,
        };
      };
      const search = product.answer(
        400,
        shardFailure(
          "Result window is too large, from + size must be less than or equal to: [1000] but was [2000]. " +
            "This limit can be set by changing the [index.max_result_window] index level setting.",
        ),
      );
      const scroll = product.answer(
        400,
        shardFailure(
          "Batch size is too large, size must be less than or equal to: [300] but was [2000]. Scroll batch " +
            "sizes cost as much memory as result windows so they are controlled by the " +
            "[index.max_result_window] index level setting.",
        ),
      );
      const other = product.answer(
        400,
        shardFailure("[size] must be less than or equal to: [10] but was [20] for index.max_docvalue_fields"),
      );
      const windowOf = (error: unknown) =>
        error instanceof SearchError && error.answer.status !== undefined ? error.answer.resultWindow : NaN;
      assert.equal(kind(search), "refused");
      assert.equal(windowOf(search), 1000);
      assert.equal(windowOf(scroll), 300);
      assert.equal(windowOf(other), undefined);
      assert.equal(windowOf(product.answer(400, refusal("parsing_exception", 400))), undefined);
    });

    it("keep the client's error as the cause, and leave other errors as they are", () => {
      const refused = product.connection("connect ECONNREFUSED 127.0.0.1:1");
      assert.ok(refused instanceof SearchError);
      assert.ok(refused.cause instanceof Error && refused.cause.message.includes("ECONNREFUSED"));
      const other = new TypeError("no");
      const translate = product === elasticsearch ? fromElasticsearchError : fromOpenSearchError;
      assert.equal(translate(other), other);
    });

    it("become messages that name the product, the status and the server's reason", () => {
      const refusedIndex = searchFailure(
        product.answer(400, refusal("mapper_parsing_exception", 400)),
        "write to index a",
        product.name,
      );
      assert.ok(refusedIndex instanceof StoreError);
      assert.equal(
        refusedIndex.message,
        `${product.name} refused to write to index a (400, mapper_parsing_exception: why).`,
      );
      // A read refused on its shards says why only in its root cause.
      const refusedRead = searchFailure(
        product.answer(400, {
          error: {
            root_cause: [{ type: "query_shard_exception", reason: "failed to create query" }],
            type: "search_phase_execution_exception",
            reason: "all shards failed",
          },
        }),
        "read index a",
        product.name,
      );
      assert.equal(
        refusedRead.message,
        `${product.name} refused to read index a (400, search_phase_execution_exception: all shards ` +
          "failed; query_shard_exception: failed to create query).",
      );
      const busy = searchFailure(product.answer(503, {}), "read index a", product.name);
      assert.ok(busy instanceof ConnectionError);
      assert.match(busy.message, /the cluster answered 503 \(status 503\)/);
      const away = searchFailure(product.connection("connect ECONNREFUSED"), "read index a", product.name);
      assert.ok(away instanceof ConnectionError);
      assert.match(away.message, new RegExp(`^${product.name} could not read index a: connect ECONNREFUSED`));
      // The logged fields name the product too; `store` keeps the side's one name, which scripts match.
      assert.deepEqual(busy.details, {
        store: "elasticsearch",
        product: product.name,
        action: "read index a",
        status: 503,
      });
      assert.ok(
        searchFailure(product.answer(403, {}), "read index a", product.name) instanceof AuthenticationError,
      );
    });

    // Tried as an operator would behind nginx: its pages were logged as "<html>" by each retry, and the
    // failure said "the cluster answered 502 (status 502)", of a cluster that never saw the request.
    it("say that a proxy in front of the cluster answered with an HTML page, and what it said", () => {
      const page = (status: number, title: string): string =>
        `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n`;
      const gateway = product.answer(502, page(502, "Bad Gateway"));
      assert.equal(kind(gateway), "transient");
      assert.ok(gateway instanceof Error);
      assert.equal(
        gateway.message,
        "502 Bad Gateway (an HTML page from a proxy or load balancer in front of the cluster)",
      );
      const failed = searchFailure(gateway, "write to index a", product.name);
      assert.ok(failed instanceof ConnectionError);
      assert.match(
        failed.message,
        new RegExp(
          `^${product.name} could not write to index a: 502 Bad Gateway, an HTML page from a proxy or load ` +
            "balancer in front of the cluster\\. Check that proxy",
        ),
      );
      const tooLarge = searchFailure(
        product.answer(413, page(413, "Request Entity Too Large")),
        "read index a",
        product.name,
      );
      assert.ok(tooLarge instanceof StoreError);
      assert.match(tooLarge.message, /413 Request Entity Too Large, an HTML page from a proxy/);
      assert.match(tooLarge.message, /client_max_body_size/);
      assert.doesNotMatch(tooLarge.message, /<|\r|\n/);
      // A text answer that is no page is said on one line, cut.
      const text = product.answer(
        503,
        "upstream connect error or disconnect/reset before headers.\nreset reason: overflow",
      );
      assert.ok(text instanceof SearchError && text.answer.status === 503);
      assert.equal(
        text.answer.reason,
        "upstream connect error or disconnect/reset before headers. reset reason: overflow",
      );
    });

    // Tried as an operator would, with a role of index privileges only: a 403 said to check the
    // password, which was right, and an index privilege where the cluster's was missing.
    it("tell a privilege refused (403) from a login refused (401), with what to do", () => {
      const unauthorized =
        "action [cluster:monitor/nodes/info] is unauthorized for user [app] with effective roles [app], " +
        "this action is granted by the cluster privileges [monitor,manage,all]";
      const body = { error: { type: "security_exception", reason: unauthorized }, status: 403 };
      const privilege = searchFailure(product.answer(403, body), "read the nodes' settings", product.name);
      assert.ok(privilege instanceof AuthenticationError);
      assert.equal(
        privilege.message,
        `${product.name} refused to read the nodes' settings (403, security_exception: ${unauthorized}): ` +
          "the login was accepted, but its role lacks a privilege this needs: grant it " +
          '(see "Privileges" in the README for what each command needs).',
      );
      assert.doesNotMatch(privilege.message, /on the index/);
      const login = searchFailure(product.answer(401, {}), "read index a", product.name);
      assert.match(login.message, /\(401, status 401\): the login was refused: check --es-username/);

      const options = (auth: ElasticsearchOptions["auth"]): ElasticsearchOptions => ({
        nodes: ["http://es:9200"],
        product: "auto",
        versioning: "optimistic",
        ...(auth === undefined ? {} : { auth }),
        tls: { insecure: false },
      });
      const user = options({ kind: "basic", username: "app", password: "secret" });
      const health = { error: { type: "security_exception", reason: "action [cluster:monitor/health]" } };
      const refused = connectFailure(product.answer(403, health), user, 5000, "Elasticsearch");
      assert.ok(refused instanceof AuthenticationError);
      assert.equal(
        refused.message,
        "Elasticsearch at http://es:9200 accepted the login of user 'app' but refused it the cluster's " +
          "health, which every command asks first (403, security_exception: action [cluster:monitor/health]): " +
          "give the user's role the cluster privilege monitor " +
          '(see "Privileges" in the README for what each command needs).',
      );
      assert.doesNotMatch(refused.message, /password/);
      const key = options({ kind: "api-key", apiKey: "secret" });
      assert.match(
        connectFailure(product.answer(403, health), key, 5000, "Elasticsearch").message,
        /accepted the API key but refused it .* give the API key's role the cluster privilege monitor/,
      );
      assert.match(
        connectFailure(product.answer(401, {}), user, 5000, "Elasticsearch").message,
        /refused the credentials \(401\)\. Check --es-username \('app'\)/,
      );
    });
  });
}
