// What went wrong on the search side, in synced's terms. Each product's adapter turns its client's
// errors into a SearchError at its edge (stores/elasticsearch/elasticsearch-errors.ts,
// stores/opensearch/opensearch-errors.ts); everything above it (the retry rule, a scan that starts
// over, the state and dead-letter stores, the messages users read) decides on the kind, never on a
// client's classes. Both products answer a refused request with the same REST body, so the kind of
// an answer is read here, once.

import { cutText } from "../../util/cut-text.js";
import { htmlText, isHtmlPage } from "../../util/html-text.js";

export type SearchErrorKind =
  /**
   * No answer (a connection refused or broken, a timeout, no node alive), or an answer that the
   * cluster was too busy or restarting to give (429, 502, 503, 504): worth trying again.
   */
  | "transient"
  /** The view of a scan (a point in time, scroll contexts) is gone: only a new view helps. */
  | "view-lost"
  /** A conditional write met another version of the document (409). */
  | "conflict"
  /** The login, or the user's privileges, were refused (401, 403). */
  | "credentials"
  /** The document named does not exist (a 404 that says so). */
  | "not-found"
  /** The index named does not exist. */
  | "index-missing"
  /** An index to be created exists already. */
  | "already-exists"
  /** Any other refusal: the same request fails the same way again. */
  | "refused"
  /** No usable answer for another reason: a body that would not parse, a request never written. */
  | "failed";

/** How the cluster answered: with a status and its own reason, or not at all. */
export type SearchAnswer =
  | {
      readonly status: number;
      readonly reason: string;
      /**
       * A page that asked for more documents than the index's `index.max_result_window` allows was
       * refused: the most it allows, as the refusal says.
       */
      readonly resultWindow?: number;
      /** The answer was an HTML page: something in front of the cluster answered, not the cluster. */
      readonly page?: boolean;
    }
  /** `timedOut` when the request's time ran out, rather than its connection failing. */
  | { readonly status?: undefined; readonly timedOut: boolean };

export class SearchError extends Error {
  override readonly name = "SearchError";

  constructor(
    readonly kind: SearchErrorKind,
    message: string,
    readonly answer: SearchAnswer,
    options: { readonly cause: unknown },
  ) {
    // The client's error stays the cause: a TLS failure is read from the socket error under it.
    super(message, { cause: options.cause });
  }
}

/** Whether `error` is a SearchError of one of `kinds`. */
export function isSearchError(error: unknown, ...kinds: readonly SearchErrorKind[]): error is SearchError {
  return error instanceof SearchError && kinds.includes(error.kind);
}

const BUSY_OR_RESTARTING: ReadonlySet<number> = new Set([429, 502, 503, 504]);

interface ErrorCause {
  readonly type?: unknown;
  readonly reason?: unknown;
}

interface ErrorBody {
  readonly error?: (ErrorCause & { readonly root_cause?: unknown }) | string;
  readonly found?: unknown;
  readonly result?: unknown;
}

/** `type: reason`, or either alone. */
function causeText(cause: ErrorCause | undefined): string | undefined {
  const type = typeof cause?.type === "string" ? cause.type : undefined;
  const reason = typeof cause?.reason === "string" ? cause.reason : undefined;
  if (type === undefined && reason === undefined) return undefined;
  return [type, reason].filter((part) => part !== undefined).join(": ");
}

/**
 * The server's own reason in an error answer: `type: reason`, then its first root cause where that
 * says more. A search that failed on its shards says only "all shards failed" at the top; why is in
 * the root cause.
 */
export function answerReason(status: number, body: unknown): string {
  if (typeof body === "string") return textAnswerReason(status, body);
  const cause = (body as ErrorBody | undefined)?.error;
  if (typeof cause === "string") return cause;
  const top = causeText(cause);
  if (top === undefined) return `status ${status || "unknown"}`;
  const roots: unknown = cause?.root_cause;
  const root = Array.isArray(roots) ? causeText(roots[0] as ErrorCause | undefined) : undefined;
  return root === undefined || root === top ? top : `${top}; ${root}`;
}

/** Who answered with an HTML page, as messages say it. */
export const FROM_PAGE = "an HTML page from a proxy or load balancer in front of the cluster";

/** `reason`, led by `status` unless it is already, as a page's title is ("502 Bad Gateway"). */
export function withStatus(status: number, reason: string): string {
  return reason.startsWith(`${status} `) ? reason : `${status} ${reason}`;
}

/** The most of a page's or a text answer's words kept: enough for a title, "502 Bad Gateway". */
const TEXT_EXCERPT = 120;

/** What an answer that is text says: an HTML page's title, or its words, on one line. */
function textAnswerReason(status: number, body: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(body)?.[1];
  const words = (title !== undefined && title.trim() !== "" ? htmlText(title) : htmlText(body))
    .replace(/\s+/g, " ")
    .trim();
  return words === "" ? `status ${status || "unknown"}` : cutText(words, TEXT_EXCERPT);
}

/** `text`: the body as JSON, searched for what a shard's failure says deep inside it. */
function answerKind(status: number, body: unknown, text: string): SearchErrorKind {
  // A point in time or scroll that is gone says so somewhere in the body, often in a shard's failure
  // under a search_phase_execution_exception, whatever the status.
  if (text.includes("search_context_missing_exception") || text.includes("No search context found")) {
    return "view-lost";
  }
  if (BUSY_OR_RESTARTING.has(status)) return "transient";
  if (status === 401 || status === 403) return "credentials";
  if (status === 409) return "conflict";
  const answer = body as ErrorBody | undefined;
  const type = typeof answer?.error === "object" ? answer.error.type : undefined;
  if (type === "index_not_found_exception") return "index-missing";
  // A 404 for the whole index must stay an error; only one that names a missing document is that.
  if (status === 404 && (answer?.found === false || answer?.result === "not_found")) return "not-found";
  if (type === "resource_already_exists_exception") return "already-exists";
  return "refused";
}

// Both products word it so, for a search ("Result window is too large, from + size must be less than
// or equal to: [1000] but was [2000]. ... [index.max_result_window] ...") and for a scroll ("Batch size
// is too large, size must be less than or equal to: ..."), usually only in a shard's failure.
const RESULT_WINDOW = /less than or equal to: \[(\d+)\] but was \[\d+\][^"]*index\.max_result_window/;

function resultWindow(status: number, text: string): number | undefined {
  if (status !== 400) return undefined;
  const found = RESULT_WINDOW.exec(text);
  const limit = found === null ? NaN : Number(found[1]);
  return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
}

/** The cluster answered `status` with `body` (its REST error body, the same from both products). */
export function answerError(status: number, body: unknown, message: string, cause: unknown): SearchError {
  const text = JSON.stringify(body ?? "");
  const window = resultWindow(status, text);
  const reason = answerReason(status, body);
  // The cluster answers in JSON; an HTML page is a proxy's, a load balancer's or an ingress's (nginx's
  // "502 Bad Gateway"), and the client makes its message of the whole page, which a log line would
  // carry line by line.
  const page = typeof body === "string" && isHtmlPage(body);
  return new SearchError(
    answerKind(status, body, text),
    page ? `${withStatus(status, reason)} (${FROM_PAGE})` : message,
    {
      status,
      reason,
      ...(window === undefined ? {} : { resultWindow: window }),
      ...(page ? { page } : {}),
    },
    { cause },
  );
}

/** No answer came: the connection failed, or the request's time ran out (`timedOut`). */
export function noAnswerError(message: string, timedOut: boolean, cause: unknown): SearchError {
  return new SearchError("transient", message, { timedOut }, { cause });
}

/**
 * A request answered `status` with a body of text where the cluster answers JSON: a proxy's page, or
 * a server that is not the cluster. Its words, on one line, rather than the client's failure to read
 * them.
 */
export function textAnswerFailure(status: number, body: string, cause: unknown): SearchError {
  const from = isHtmlPage(body) ? FROM_PAGE : "text";
  return clientFailure(
    `the answer (${status}) was ${from}, not the cluster's JSON: ${textAnswerReason(status, body)}`,
    cause,
  );
}

/** A failure of the client itself: no usable answer, and no use asking again. */
export function clientFailure(message: string, cause: unknown): SearchError {
  return new SearchError("failed", message, { timedOut: false }, { cause });
}
