// What the warning of a failed push says of the Pushgateway's answer: the status, and a short excerpt
// of the answer on one line without control characters, never the whole page a proxy sent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ANSWER_EXCERPT, pushFailureText } from "../../src/cli/push-failure.js";
import { isControl } from "../../src/cli/visible-text.js";

/** prom-client's error for an answer of status 400 or more. */
const answered = (status: number, body: string): Error =>
  new Error(`push failed with status ${status}, ${body}`);

describe("pushFailureText", () => {
  it("keeps the status and the text of an HTML page, on one line, without its markup", () => {
    const page =
      "<html>\r\n<head><title>501 Not Implemented</title><style>body{color:red}</style></head>\r\n" +
      "<body>\r\n<center><h1>501 Not Implemented</h1></center>\r\n<hr><center>nginx</center>\r\n" +
      `<script>var x = "${"y".repeat(5000)}";</script></body>\r\n</html>\r\n`;
    assert.equal(
      pushFailureText(answered(501, page)),
      "the Pushgateway answered with status 501: 501 Not Implemented 501 Not Implemented nginx",
    );
  });

  it("cuts a long answer short, and escapes the control characters in it", () => {
    const text = pushFailureText(answered(400, `bad\u001b[2J metric\n${"x".repeat(10_000)}`));
    assert.ok(text.startsWith("the Pushgateway answered with status 400: bad\\u001b[2J metric xxx"), text);
    assert.ok(text.endsWith("..."), text);
    assert.ok(text.length <= "the Pushgateway answered with status 400: ".length + ANSWER_EXCERPT + 6, text);
    assert.ok(
      Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)).every((c) => !isControl(c, true)),
      text,
    );
  });

  it("says the status alone of an empty answer", () => {
    assert.equal(pushFailureText(answered(503, "\r\n")), "the Pushgateway answered with status 503");
  });

  it("keeps any other error's message, on one line", () => {
    assert.equal(
      pushFailureText(new Error("connect ECONNREFUSED 127.0.0.1:9091")),
      "connect ECONNREFUSED 127.0.0.1:9091",
    );
    assert.equal(pushFailureText(new Error("first\nsecond")), "first second");
  });
});
