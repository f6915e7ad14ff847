// Reads a query's rows page by page, so a scan holds one page in memory and retries one page at a time.
import type cassandra from "cassandra-driver";

export interface PageSettings {
  readonly client: cassandra.Client;
  readonly consistency: number;
  /** Rows per page. */
  readonly batchSize: number;
  readonly retry: <T>(operation: () => Promise<T>) => Promise<T>;
}

/** The rows of a query, page by page, each page retried on its own. */
export async function* pagedRows(
  settings: PageSettings,
  query: string,
  params: readonly unknown[],
): AsyncGenerator<cassandra.types.Row[]> {
  let pageState: string | undefined;
  do {
    const options: cassandra.QueryOptions = {
      prepare: true,
      fetchSize: settings.batchSize,
      consistency: settings.consistency,
      isIdempotent: true,
      ...(pageState === undefined ? {} : { pageState }),
    };
    const result = await settings.retry(() => settings.client.execute(query, [...params], options));
    // The driver types say string, but the last page has none.
    const next = result.pageState as string | null | undefined;
    pageState = next ?? undefined;
    yield result.rows;
  } while (pageState !== undefined);
}
