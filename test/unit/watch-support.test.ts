// The helper that follows a spawned synced must answer a wait begun after the run exited: the
// restart test waits for a retry only once the server's stop script returns, and a run that finished
// during the stop then waited out the whole bound and was reported as hung.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { watch } from "../support/watch.js";

function printsAndExits(text: string): ReturnType<typeof spawn> {
  return spawn(process.execPath, ["-e", `process.stderr.write(${JSON.stringify(text)})`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("watch(child).saw", () => {
  it("rejects at once, naming the exit, when the run exited before the wait began", async () => {
    const run = watch(printsAndExits("progress\n"));
    await run.exited;
    const began = performance.now();
    await assert.rejects(
      run.saw("trying again", 30_000),
      /synced exited \(0\) before printing 'trying again'/,
    );
    // Well within its bound: the wait did not run out, it was answered by the exit.
    assert.ok(performance.now() - began < 10_000);
  });

  it("resolves for what the run printed before it exited", async () => {
    const run = watch(printsAndExits("progress\n"));
    await run.exited;
    await run.saw("progress", 30_000);
  });
});
