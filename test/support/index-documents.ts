// Indexes the documents a test arranges, and fails loudly when any did not land. A bulk request
// answers 200 even when some of its items failed; under load a node may refuse items with 429
// (a full write queue, a circuit breaker), and a test that went on would compare worlds that did not
// start equal. Refused items are sent again, a bounded number of times; any other failure throws.
import type { estypes } from "@elastic/elasticsearch";
import { setTimeout as delay } from "node:timers/promises";
import type { SearchFixture } from "./search-fixture.js";

const ROUNDS = 5;

export async function indexDocuments(
  es: SearchFixture,
  index: string,
  documents: readonly { readonly id: string; readonly source: Record<string, unknown> }[],
): Promise<void> {
  let pending = documents;
  for (let round = 1; pending.length > 0; round++) {
    const response = await es.bulk({
      refresh: true,
      operations: pending.flatMap((d) => [{ index: { _index: index, _id: d.id } }, d.source]),
    });
    if (!response.errors) return;
    const failed = response.items.map((item) => item.index);
    const refused = pending.filter((_, i) => failed[i]?.status === 429);
    const other = failed.find(
      (item): item is estypes.BulkResponseItem => item?.error != null && item.status !== 429,
    );
    if (other !== undefined) {
      throw new Error(`a document of the test's data was refused: ${JSON.stringify(other.error)}`);
    }
    if (round === ROUNDS) {
      throw new Error(
        `${refused.length} documents of the test's data were still refused (429) after ${ROUNDS} rounds`,
      );
    }
    // A refused item is sent again after the node had a moment to drain, as a bulk client's retry does.
    await delay(250 * round);
    pending = refused;
  }
}
