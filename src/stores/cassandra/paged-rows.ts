// Reads a query's rows page by page, so a scan holds one page in memory and retries one page at a time.
import type cassandra from "cassandra-driver";

export interface PageSettings {
  readonly client: cassandra.Client;
  readonly consistency: number;
  /** Rows per page, unless `pageRows` says. */
  readonly batchSize: number;
  /** Rows the next page asks for, where pages are sized by their rows' bytes (row-sizing.ts). */
  readonly pageRows?: () => number;
  readonly retry: <T>(operation: () => Promise<T>) => Promise<T>;
}

/**
 * What `take` makes of each page of a query's rows, page by page, each page retried on its own.
 *
 * The rows are handed to `take` and never yielded: a generator suspended at a yield keeps what its
 * frame held, and a scan's splits wait there while the engine works. Yielded, each split's last page
 * of driver rows stayed alive beside the records made of it (four pages of 500 in a backfill), and the
 * collector copied them at every scavenge.
 */
export async function* pagedRows<T>(
  settings: PageSettings,
  query: string,
  params: readonly unknown[],
  take: (rows: readonly cassandra.types.Row[]) => T,
): AsyncGenerator<T> {
  let pageState: string | undefined;
  do {
    const page = await readPage(settings, query, params, pageState, take);
    pageState = page.pageState;
    yield page.taken;
  } while (pageState !== undefined);
}

async function readPage<T>(
  settings: PageSettings,
  query: string,
  params: readonly unknown[],
  pageState: string | undefined,
  take: (rows: readonly cassandra.types.Row[]) => T,
): Promise<{ readonly taken: T; readonly pageState: string | undefined }> {
  const options: cassandra.QueryOptions = {
    prepare: true,
    fetchSize: settings.pageRows?.() ?? settings.batchSize,
    consistency: settings.consistency,
    isIdempotent: true,
    ...(pageState === undefined ? {} : { pageState }),
  };
  const result = await settings.retry(() => settings.client.execute(query, [...params], options));
  // The driver types say string, but the last page has none.
  const next = result.pageState as string | null | undefined;
  return { taken: take(result.rows), pageState: next ?? undefined };
}
