// The benchmark's command line: sizes, which figures to run, and where the results go.
import { parseArgs } from "node:util";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const FIGURES = [1, 2, 3, 4, 5, 6, 7] as const;
export type Figure = (typeof FIGURES)[number];

export interface BenchOptions {
  readonly records: number;
  readonly scale: number;
  readonly changed: number;
  readonly seed: number;
  readonly only: ReadonlySet<Figure>;
  readonly keep: boolean;
  readonly out: string;
  /** When set, every synced run writes a CPU profile (`node --cpu-prof`) into this directory. */
  readonly profile: string | undefined;
}

export const USAGE = `npm run bench -- [options]

  --records R   records in the base table and index (default 100000)
  --scale N     the larger table of figures 4 and 6 holds N x R records (default 5)
  --changed N   records changed before the incremental runs of figures 4 and 7 (default 1000)
  --seed N      seed of the generated records (default 42)
  --only LIST   run only these figures, e.g. 1,3 (default 1,2,3,4,5,6,7)
  --keep        keep the bench keyspace and indices
  --out FILE    write the results as JSON here (default: a dated file under the temp directory)
  --profile DIR write a CPU profile of every synced run and copy script into DIR (node --cpu-prof)
  --help        this text`;

export class UsageError extends Error {}

/** A whole number within bounds, so a typo cannot start an hour-long or a meaningless run. */
function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number, not '${text}'`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`--${name} must be between ${min} and ${max}`);
  return value;
}

function figures(text: string | undefined): ReadonlySet<Figure> {
  if (text === undefined) return new Set(FIGURES);
  const chosen = new Set<Figure>();
  for (const part of text.split(",")) {
    const figure = FIGURES.find((f) => String(f) === part.trim());
    if (figure === undefined) throw new UsageError(`--only takes figure numbers 1 to 7, not '${part}'`);
    chosen.add(figure);
  }
  return chosen;
}

function defaultOut(now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  return join(tmpdir(), `synced-bench-${stamp}.json`);
}

/** The options, or undefined when --help was asked for. */
export function parseOptions(argv: readonly string[], now = new Date()): BenchOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        records: { type: "string" },
        scale: { type: "string" },
        changed: { type: "string" },
        seed: { type: "string" },
        only: { type: "string" },
        keep: { type: "boolean", default: false },
        out: { type: "string" },
        profile: { type: "string" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  if (v.help) return undefined;
  // R below 100 leaves R/100 (figure 5) without a single changed record.
  const records = integer("records", v.records, 100_000, 100, 100_000_000);
  return {
    records,
    scale: integer("scale", v.scale, 5, 2, 100),
    changed: integer("changed", v.changed, 1000, 1, records),
    seed: integer("seed", v.seed, 42, 0, 2 ** 31),
    only: figures(v.only),
    keep: v.keep,
    out: v.out ?? defaultOut(now),
    profile: v.profile,
  };
}
