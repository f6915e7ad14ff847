// What `synced verify --json` prints (src/cli/verify-report.ts's reportJson), as the tests read it.

/** A record verify could not read, on one side. */
export interface BadJson {
  readonly id?: string;
  readonly documentId?: string;
  readonly reason: string;
  readonly version?: string;
}

/** One table on one side: how its records compare with the other side's. */
export interface VerifySideJson {
  readonly table: string;
  readonly side: string;
  readonly other: string;
  readonly scanned: number;
  readonly equal: number;
  readonly missing: number;
  readonly older: number;
  readonly newer: number;
  readonly tie: number;
  readonly unreadable: number;
  readonly expired: number;
  readonly bad: number;
  /** With --repair only. */
  readonly repaired?: number;
  readonly repairFailed?: number;
  readonly differing: readonly {
    readonly id: string;
    readonly difference: string;
    readonly version: string;
    readonly otherVersion?: string;
  }[];
  readonly badRecords: readonly BadJson[];
}

/** What the configuration's next run fixes of the differences, and what it leaves (runJson). */
export interface VerifyRunJson {
  /** null where the configuration has no checkpoint yet; lookbackFrom and backfillFrom are absent then. */
  readonly checkpoint: string | null;
  readonly lookbackFrom?: string;
  readonly fixes: number;
  readonly leaves: number;
  readonly notCopied: number;
  readonly backfillFrom?: string;
}

export interface VerifyJson {
  readonly range: { readonly begin: string; readonly end: string };
  readonly outcome: string;
  readonly differences: number;
  /** With --repair only. */
  readonly unresolved?: number;
  readonly sides: readonly VerifySideJson[];
  readonly backfillFrom?: string;
  readonly run: VerifyRunJson;
}
