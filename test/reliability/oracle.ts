// What every record must be once the writers stop and a final run completes: the application write
// with the largest tmstmp, whichever store it went to. Each writer keeps its own writes to one store
// in tmstmp order for each record, so that write can only be replaced by a newer one (synced never
// writes an older record over a newer one), and the final run must bring it to every store.
// Writes with equal tmstmp and different content are ties: a tombstone beats a live record, and
// among the rest any one may win, as long as every store holds the same one.

export interface Value {
  /** Milliseconds since the epoch. */
  readonly tmstmp: number;
  readonly v: number;
  readonly deleted: boolean;
}

export interface Divergence {
  readonly record: string;
  readonly problem: string;
  readonly expected: readonly Value[];
  readonly actual: Readonly<Record<string, Value | undefined>>;
}

const same = (a: Value, b: Value): boolean => a.tmstmp === b.tmstmp && a.v === b.v && a.deleted === b.deleted;
const show = (value: Value | undefined): string =>
  value === undefined
    ? "absent"
    : `${new Date(value.tmstmp).toISOString()} v=${value.v}${value.deleted ? " deleted" : ""}`;

export class Oracle {
  private readonly winners = new Map<string, Value[]>();
  private readonly lastOnSide = new Map<string, number>();
  private writeCount = 0;

  /** How many application writes were recorded. */
  get writes(): number {
    return this.writeCount;
  }

  /** Every record written so far. */
  records(): string[] {
    return [...this.winners.keys()];
  }

  /** The newest tmstmp written to `record` on any store, if any. */
  newest(record: string): number | undefined {
    return this.winners.get(record)?.[0]?.tmstmp;
  }

  /** The newest tmstmp written to `record` on `side` by its writer, if any. */
  lastWrittenOn(record: string, side: string): number | undefined {
    return this.lastOnSide.get(`${side}\u0000${record}`);
  }

  /** `wanted`, moved just past the writer's last write of `record` to `side` when it is not newer. */
  timestampFor(record: string, side: string, wanted: number): number {
    const last = this.lastWrittenOn(record, side);
    return last === undefined || wanted > last ? wanted : last + 1;
  }

  /** Records an application write, which must already be in tmstmp order for its record and side. */
  write(record: string, side: string, value: Value): void {
    const last = this.lastWrittenOn(record, side);
    if (last !== undefined && value.tmstmp <= last) {
      throw new Error(
        `writes of ${record} to ${side} must go forward in tmstmp (${value.tmstmp} after ${last})`,
      );
    }
    this.lastOnSide.set(`${side}\u0000${record}`, value.tmstmp);
    this.writeCount += 1;
    const current = this.winners.get(record);
    const top = current?.[0]?.tmstmp;
    if (current === undefined || top === undefined || value.tmstmp > top) {
      this.winners.set(record, [value]);
    } else if (value.tmstmp === top && !current.some((c) => same(c, value))) {
      current.push(value);
    }
  }

  /** The values `record` may hold at the end: the newest writes, tombstones first among equals. */
  expected(record: string): Value[] {
    const candidates = this.winners.get(record) ?? [];
    const tombstones = candidates.filter((c) => c.deleted);
    return tombstones.length > 0 ? tombstones : candidates;
  }

  /** What is wrong with `record` as the stores hold it, or undefined when it converged. */
  check(record: string, actual: Readonly<Record<string, Value | undefined>>): Divergence | undefined {
    const expected = this.expected(record);
    const problem = (text: string): Divergence => ({ record, problem: text, expected, actual });
    const sides = Object.entries(actual);
    for (const [side, value] of sides) {
      if (value === undefined) return problem(`missing on ${side}`);
      if (!expected.some((e) => same(e, value))) {
        return problem(`${side} holds ${show(value)}, expected ${expected.map(show).join(" or ")}`);
      }
    }
    const first = sides[0]?.[1];
    if (first !== undefined && sides.some(([, value]) => value === undefined || !same(value, first))) {
      return problem(
        `the stores hold different winners of a tie: ${sides.map(([s, v]) => `${s} ${show(v)}`).join(", ")}`,
      );
    }
    return undefined;
  }
}

export function describeDivergence(d: Divergence): string {
  return `${d.record}: ${d.problem}`;
}
