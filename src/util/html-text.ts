// What an HTML page says, without its markup: a proxy, a load balancer or an ingress in front of a
// server answers an error with a whole page (nginx's "<html><head><title>502 Bad Gateway</title>..."),
// where the server itself would answer with its own body.

/** Whether `body` is a markup page rather than the server's own answer. */
export function isHtmlPage(body: string): boolean {
  return /^\s*</.test(body);
}

/** An HTML page's text without its markup, scripts and styles; any other answer as it is. */
export function htmlText(body: string): string {
  if (!isHtmlPage(body)) return body;
  return body
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
