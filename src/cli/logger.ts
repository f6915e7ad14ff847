// Logs go to stderr so stdout carries only the summary. On a terminal they are short lines for
// people, with a progress line that rewrites itself; otherwise one JSON object per line for log
// collectors. Secrets never reach here: options are redacted before they are logged.
import type { TableStats } from "../reconcile/stats.js";

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  progress(stats: Readonly<TableStats>): void;
  done(): void;
}

export function createLogger(stream: NodeJS.WriteStream = process.stderr): Logger {
  const tty = stream.isTTY;
  let progressShown = false;
  let lastJsonProgress = 0;
  const clear = (): void => {
    if (progressShown) stream.write("\r\x1b[2K");
    progressShown = false;
  };
  const write = (level: "info" | "error", message: string, fields: Record<string, unknown>): void => {
    if (tty) {
      clear();
      const extra = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
      stream.write(`${message}${extra === "" ? "" : ` (${extra})`}\n`);
    } else {
      stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
    }
  };
  return {
    info(message, fields = {}) {
      write("info", message, fields);
    },
    error(message, fields = {}) {
      write("error", message, fields);
    },
    progress(stats) {
      const text = `${stats.table} ${stats.direction}: ${stats.scanned} scanned, ${stats.written} written, ${stats.deadLettered} dead-lettered`;
      if (tty) {
        stream.write(`\r\x1b[2K${text}`);
        progressShown = true;
      } else if (Date.now() - lastJsonProgress >= 10_000) {
        // A log line per batch would drown a collector; one every ten seconds shows a long run moving.
        lastJsonProgress = Date.now();
        stream.write(
          `${JSON.stringify({ time: new Date().toISOString(), level: "info", message: "progress", ...stats })}\n`,
        );
      }
    },
    done: clear,
  };
}
