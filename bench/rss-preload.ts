// Preloaded into the synced process (`node --import`) by the benchmark: writes the process's peak
// resident set size, in KB, to the file named by BENCH_MAXRSS_FILE when the process exits. A parent
// cannot ask for a child's peak once the child is gone, so the child reports it itself. synced ends
// with process.exit(), which still runs 'exit' listeners; only synchronous work is possible there.
import { writeFileSync } from "node:fs";
import { RSS_FILE_VARIABLE } from "./rss-file.js";

const target = process.env[RSS_FILE_VARIABLE];
if (target) {
  process.on("exit", () => {
    writeFileSync(target, `${process.resourceUsage().maxRSS}\n`);
  });
}
