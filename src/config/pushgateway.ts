// The Pushgateway's URL. A Pushgateway behind basic auth (its --web.config.file, or a proxy in
// front) is given as Prometheus users give it to other tools, with the user and password in the URL.
// They are taken out of it and sent as basic auth, so the URL that logs and messages show holds
// neither, and no message repeats a value that may hold the password.
import type { PushgatewayTarget } from "./options.js";
import type { Warn } from "./secrets.js";
import { asText, invalid } from "./values.js";
import type { Setting } from "./values.js";

const FORM = "write it as http://host:9091, or https://user:password@host:9091 behind basic auth";

export function pushgatewayTarget(setting: Setting, warn: Warn): PushgatewayTarget {
  const text = asText(setting);
  // What may hold a password is never echoed: "the URL" stands for it.
  const shown = text.includes("@") ? "the URL" : `"${text}"`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(
      setting,
      `${shown === "the URL" ? "the URL is not valid" : `${shown} is not a URL`}; ${FORM}`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(setting, `${shown} must start with http:// or https://; ${FORM}`);
  }
  const target = { url: credentialFree(url) };
  if (url.username === "" && url.password === "") return target;
  if (url.username === "" || url.password === "") {
    const given = url.username === "" ? "a password without a user name" : "a user name without a password";
    throw invalid(setting, `the URL gives ${given}; ${FORM}`);
  }
  let auth: { username: string; password: string };
  try {
    auth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  } catch {
    throw invalid(
      setting,
      "the URL's user name or password holds a % that starts no valid escape; write %25 for %",
    );
  }
  if (setting.source.kind === "flag") {
    warn(
      "--pushgateway on the command line holds a password, which other users of this machine can see; " +
        "prefer SYNCED_PUSHGATEWAY.",
    );
  }
  return { ...target, auth };
}

function credentialFree(url: URL): string {
  const bare = new URL(url.href);
  bare.username = "";
  bare.password = "";
  return bare.href.replace(/\/+$/, "");
}
