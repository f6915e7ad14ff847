// Waits for a condition by asking again, so a test acts once something holds instead of after a sleep.
import { setTimeout as delay } from "node:timers/promises";

/** Polls `probe` until it returns a value, for at most `tries` × 100 ms. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 300): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await delay(100);
  }
  throw new Error(`gave up waiting for ${what}`);
}
