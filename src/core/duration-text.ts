// Durations as a user writes them (`5m`, `1h30m`): how the engine names one in what it says, in the
// syntax the options take (config/duration.ts reads it, with the same units).

export const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
export type Unit = keyof typeof UNIT_MS;

/** The shortest exact form of a duration, in the syntax parseDuration reads: 300000 → `5m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0";
  let rest = ms;
  let text = "";
  for (const unit of Object.keys(UNIT_MS) as Unit[]) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
}
