// Logs go to stderr so stdout carries only the summary. Every line passes through pino, whose own
// redaction replaces secrets wherever they appear in a line's fields; on a terminal the lines are
// then turned into short text for people, with a progress line that rewrites itself, and otherwise
// stay one JSON object per line for log collectors.
import { pino, type DestinationStream, type Level } from "pino";
import { REDACTED } from "../config/redact.js";
import type { TableStats } from "../reconcile/stats.js";
import { visibleText } from "./visible-text.js";

export type LogLevel = "error" | "info" | "debug";

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong that costs the run nothing of its data, but someone has to look at. */
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  /** After each batch; `expected`: about how many records the table's scan reads, when known. */
  progress(stats: Readonly<TableStats>, expected?: number): void;
  done(): void;
  /**
   * The run's last line (run-end-line.ts), for log collectors. A terminal shows none: the summary
   * printed right below it says the same.
   */
  end(level: "info" | "error", message: string, fields: Record<string, unknown>): void;
  /** --quiet (errors only, no progress) or --verbose (debug lines too). */
  setLevel(level: LogLevel): void;
}

/** Where a secret may sit in a logged line: the options logged at the start, or any error's fields. */
const SECRET_PATHS = [
  "options.cassandra.auth.password",
  "options.elasticsearch.auth.password",
  "options.elasticsearch.auth.apiKey",
  "*.password",
  "*.apiKey",
  "*.token",
  "*.secret",
  "password",
  "apiKey",
];

/** Turns pino's JSON lines into text for a terminal: the message, then the fields as key=value. */
function terminalLines(stream: NodeJS.WritableStream, beforeLine: () => void): DestinationStream {
  return {
    write(line: string) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const { level, message, ...rest } = parsed;
      // The terminal shows the moment; the collector's lines keep it.
      const fields = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== "time"));
      const extra = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
      const prefix = level === "error" ? "error: " : level === "warn" ? "warning: " : "";
      beforeLine();
      stream.write(visibleText(`${prefix}${String(message)}${extra === "" ? "" : ` (${extra})`}`) + "\n");
    },
  };
}

const count = new Intl.NumberFormat("en-US");

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * One progress line: what was scanned, of how many when the source estimated it (with a percentage
 * and the time left at the rate so far), then what was written. A rate needs a second of history.
 */
export function progressText(
  stats: Readonly<TableStats>,
  expected: number | undefined,
  elapsedMs: number,
): string {
  const rate = elapsedMs >= 1000 ? (stats.scanned * 1000) / elapsedMs : undefined;
  const scanned = `${stats.table} ${stats.direction}: ${count.format(stats.scanned)}`;
  // An estimate the scan has passed was stale (Cassandra refreshes its own every few minutes): drop it.
  const known = expected !== undefined && expected > 0 && stats.scanned <= expected;
  const percent = known ? Math.min(99, Math.floor((stats.scanned * 100) / expected)) : 0;
  const parts = [
    known ? `${scanned} of ~${count.format(expected)} scanned (${percent}%)` : `${scanned} scanned`,
  ];
  if (rate !== undefined) parts.push(`${count.format(Math.round(rate))}/s`);
  if (rate !== undefined && rate > 0 && known && stats.scanned < expected) {
    parts.push(`ETA ${duration((expected - stats.scanned) / rate)}`);
  }
  return `${parts.join(", ")}; ${count.format(stats.written)} written, ${count.format(stats.deadLettered)} dead-lettered`;
}

export function createLogger(
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  now: () => number = Date.now,
): Logger {
  const tty = stream.isTTY === true;
  let progressShown = false;
  let lastJsonProgress = 0;
  let level: LogLevel = "info";
  /** When each table and direction showed its first progress, for its rate. */
  const startedAt = new Map<string, number>();
  const clear = (): void => {
    if (progressShown) stream.write("\r\x1b[2K");
    progressShown = false;
  };
  const log = pino(
    {
      level: "info",
      messageKey: "message",
      // No pid and hostname on every line: the collector knows the pod.
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: SECRET_PATHS, censor: REDACTED },
    },
    tty ? terminalLines(stream, clear) : { write: (line: string) => stream.write(line) },
  );
  const at =
    (lvl: Level) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      log[lvl](fields, message);
    };
  return {
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    debug: at("debug"),
    progress(stats, expected) {
      if (level === "error") return;
      const key = `${stats.table} ${stats.direction}`;
      const began = startedAt.get(key) ?? now();
      startedAt.set(key, began);
      if (tty) {
        const text = progressText(stats, expected, now() - began);
        stream.write(`\r\x1b[2K${text}`);
        progressShown = true;
      } else if (level === "debug" || now() - lastJsonProgress >= 10_000) {
        // A log line per batch would drown a collector; one every ten seconds shows a long run moving.
        lastJsonProgress = now();
        // The table's durationMs is set when it ends: here it is the time since its first progress.
        const durationMs = now() - began;
        log.info({ ...stats, durationMs, ...(expected === undefined ? {} : { expected }) }, "progress");
      }
    },
    done() {
      clear();
      // A process that runs again and again (watch) starts each run's tables afresh.
      startedAt.clear();
    },
    end(lvl, message, fields) {
      if (!tty) log[lvl](fields, message);
    },
    setLevel(next) {
      level = next;
      log.level = next;
    },
  };
}
