// What a push to the Pushgateway that failed is told as, in the warning's `error` field: a proxy or a
// load balancer before the gateway answers with a whole HTML page, which prom-client puts into its
// error after the status, and the log line would carry every line of it. The status is kept, with a
// short excerpt of the answer's text on one line and without control characters.
import { cutText } from "../util/cut-text.js";
import { htmlText } from "../util/html-text.js";
import { visibleInLine } from "./visible-text.js";

/** The most UTF-16 units of the answer's text kept: enough for a title, "501 Not Implemented". */
export const ANSWER_EXCERPT = 120;
/** The most of any other error's message kept: a connection's error is far shorter. */
const MESSAGE_MOST = 300;

/** `error`, as the warning says it: the status and an excerpt of the answer, or the message on one line. */
export function pushFailureText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // prom-client's words for an answer of status 400 or more (lib/pushgateway.js).
  const answered = /^push failed with status (\d+), ([\s\S]*)$/.exec(message);
  if (answered === null) return oneLine(message, MESSAGE_MOST);
  const [, status = "", body = ""] = answered;
  const excerpt = oneLine(htmlText(body), ANSWER_EXCERPT);
  return `the Pushgateway answered with status ${status}${excerpt === "" ? "" : `: ${excerpt}`}`;
}

/** `text` on one line (its white space runs made one space), cut to `most`, each control escaped. */
function oneLine(text: string, most: number): string {
  return visibleInLine(cutText(text.replace(/\s+/g, " ").trim(), most));
}
