// Hits as a point-in-time page of Elasticsearch holds them, for unit tests of a scan over a fake
// client: each document of the `things` table at its own version, sorted in the order given.
import { formatEsTimestamp } from "../../src/stores/search/timestamps.js";

export function scanHits(ids: readonly string[]) {
  return ids.map((id, i) => ({
    _id: id,
    _source: { id, tmstmp: formatEsTimestamp(1_700_000_000_000_000n + BigInt(i), "microsecond") },
    _seq_no: i,
    _primary_term: 1,
    sort: [i],
  }));
}
