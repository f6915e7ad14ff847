// Preloaded into every measured process (`node --import`) by the benchmark: writes the process's peak
// resident set size and its CPU time (user + system) to the file named by BENCH_USAGE_FILE when it
// exits. A parent cannot ask for a child's resource usage once the child is gone, so the child reports
// it itself. synced ends with process.exit(), which still runs 'exit' listeners; only synchronous work
// is possible there.
import { writeFileSync } from "node:fs";
import { USAGE_FILE_VARIABLE, type ProcessUsage } from "./usage-file.js";

const target = process.env[USAGE_FILE_VARIABLE];
if (target) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    const report: ProcessUsage = {
      maxRssKb: usage.maxRSS,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    };
    writeFileSync(target, `${JSON.stringify(report)}\n`);
  });
}
