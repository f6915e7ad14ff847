// What a new index's templates and a write's pipelines and blocks hold for a table: checked after a run
// creates its index, and, by a dry run, which creates nothing and writes nothing, in their place.
import { AllowDeleteBlockPlannedError } from "./search/allow-delete-block.js";
import { IndexBlockedError, PipelineMissingError } from "./search/bulk-write.js";
import {
  templateRefusal,
  templatesFor,
  type AppliedTemplate,
  type TemplatedIndex,
  type TemplateTrait,
} from "./search/index-templates.js";
import { mappingTraits, type SearchClient, type SourceGap } from "./search/search-client.js";
import { isSearchError } from "./search/search-error.js";
import { searchFailure } from "./search/search-failure.js";
import { TableIndexRefusedError } from "../core/table-index-refusal.js";
import type { TablePlan } from "../reconcile/table-plan.js";
import { rethrowing } from "../util/rethrow.js";
import { ALLOW_DELETE_BLOCK, BLOCK_SETTINGS, WRITE_BLOCKS } from "./search/write-blocks.js";

/** What the checks read of the cluster, beside the client: what the schema gateway keeps of a run's reads. */
export interface WriteChecks {
  readonly client: SearchClient;
  /** Whether the index is the type-field layout's, which every table shares. */
  readonly shared: boolean;
  /** The ingest pipelines the index's settings send every write through. */
  readonly pipelines: (index: string) => Promise<string[]>;
  /** The values of a setting of the index (of each index behind an alias). */
  readonly setting: (index: string, name: string) => Promise<string[]>;
  /** How long a run waits out 429s (--retry-window), which the flood-stage block answers every write with. */
  readonly retryWindowMs: number;
}

/**
 * Refuses the table whose index this run just made where an index template matching its name gave
 * it a mapping no write by synced can live with (`_source` not whole, a routing value required of a
 * table without one), or a setting that blocks every write (a run creates an index only to write to
 * it), and deletes the index again, empty as it is: the first run wrote each record without the fields
 * left out, or dead-lettered each one, and moved the checkpoint past them; a block refused the table
 * at its first write (or was waited out, the flood-stage one) without naming the template, and left
 * the blocked index behind.
 */
export async function refuseTemplatedIndex(
  client: SearchClient,
  made: { readonly plan: TablePlan; readonly index: string; readonly shared: boolean },
): Promise<void> {
  const { plan, index } = made;
  const product = client.productName;
  const traits = await rethrowing(
    () => client.mappingTraits(index),
    (error) => searchFailure(error, `read the mapping of index ${index}`, product),
  );
  const gap = traits.sourceGaps.find((g) => g.index === index);
  const routingRefused = traits.routingRequired.includes(index) && plan.es.routing === undefined;
  const settings = await rethrowing(
    () => client.readSettings(index, BLOCK_SETTINGS),
    (error) => searchFailure(error, `read the settings of index ${index}`, product),
  );
  const blocks = BLOCK_SETTINGS.filter((name) => settings[index]?.[name] === "true");
  const trait = templateTrait(gap, routingRefused, blocks);
  if (trait === undefined) return;
  const applied = await appliedTemplates(client, index);
  // A read-only index is deleted only once its block is lifted; the others' lifting does no harm.
  if ("block" in trait) await client.liftBlocks(index, blocks).catch(() => undefined);
  const deleted = await client.deleteIndex(index).then(
    () => "deleted" as const,
    () => "left" as const,
  );
  throw templateRefused(plan, trait, applied, deleted, made.shared);
}

/**
 * What a dry run, which creates no index and writes nothing, checks in their place: whether the
 * templates would give the index a run creates a mapping the run would refuse the table for, and
 * whether each ingest pipeline a write would go through exists and the index takes writes, or the
 * templates would let the index a run creates take them (where a run or a replay `writes` to the
 * index). Throws the run's refusal; returns what it could not check, for want of a privilege the dry
 * run needs for nothing else.
 */
export async function plannedWrites(
  checks: WriteChecks,
  planned: {
    readonly plan: TablePlan;
    readonly createsIndex: boolean;
    readonly writes: false | "run" | "replay";
  },
): Promise<string[]> {
  const { client } = checks;
  const { plan } = planned;
  const index = plan.es.index;
  const unchecked: string[] = [];
  const unless =
    (what: string, privilege: string) =>
    (error: unknown): undefined => {
      if (!isSearchError(error, "credentials")) throw searchFailure(error, what, client.productName);
      unchecked.push(`${what} (it takes ${privilege} on the cluster)`);
      return undefined;
    };
  let pipelines: readonly string[] = [];
  // An index made ahead by hand, without synced's mapping yet, is one the run maps, not creates.
  const creates =
    planned.createsIndex &&
    !(await rethrowing(
      () => client.indexExists(index),
      (error) => searchFailure(error, `find index ${index}`, client.productName),
    ));
  if (creates) {
    const what = `check the index templates that would shape index ${index}, which a run would create for table ${plan.table}`;
    const shape = await client.templateShape(index).catch(unless(what, "manage_index_templates"));
    if (shape !== undefined) {
      const traits = mappingTraits({ [index]: { mappings: shape.mappings } });
      // A block matters only where the run writes to the index; its mapping, to every run.
      const trait = templateTrait(
        traits.sourceGaps[0],
        traits.routingRequired.length > 0 && plan.es.routing === undefined,
        planned.writes ? shape.blocks : [],
      );
      if (trait !== undefined)
        throw templateRefused(plan, trait, await appliedTemplates(client, index), "planned", checks.shared);
      pipelines = shape.pipelines;
    }
  } else pipelines = await checks.pipelines(index);
  if (!planned.writes) return unchecked;
  if (!creates) {
    // Asked before the pipelines, as the cluster refuses a blocked index's writes before any runs.
    for (const setting of WRITE_BLOCKS) {
      if ((await checks.setting(index, setting)).includes("true"))
        throw new IndexBlockedError(plan, undefined, { setting });
    }
    // Not a refusal of the table: the run stops once --retry-window is over, and so does the dry run.
    if ((await checks.setting(index, ALLOW_DELETE_BLOCK)).includes("true"))
      throw new AllowDeleteBlockPlannedError(plan, client.productName, checks.retryWindowMs, planned.writes);
  }
  const named = plan.es.pipeline === undefined ? pipelines : [plan.es.pipeline, ...pipelines];
  for (const pipeline of new Set(named)) {
    const what = `check that the ingest pipeline ${pipeline} of table ${plan.table} exists`;
    const found = await client.pipelineExists(pipeline).catch(unless(what, "read_pipeline"));
    if (found === false) throw new PipelineMissingError(plan, pipeline, true);
  }
  return unchecked;
}

/** The templates that apply to a new index named `index`, or undefined where they cannot be listed. */
function appliedTemplates(client: SearchClient, index: string): Promise<AppliedTemplate[] | undefined> {
  // Listing templates takes manage_index_templates, which a run needs for nothing else.
  return client.indexTemplates().then(
    (templates) => templatesFor(index, templates),
    () => undefined,
  );
}

function templateRefused(
  plan: TablePlan,
  trait: TemplateTrait,
  applied: readonly AppliedTemplate[] | undefined,
  outcome: TemplatedIndex,
  shared: boolean,
): TableIndexRefusedError {
  const index = plan.es.index;
  return new TableIndexRefusedError(
    plan.table,
    templateRefusal(plan.table, index, trait, applied, outcome, shared),
    outcome === "planned" ? "The dry run wrote nothing." : "The run stopped without moving the checkpoint.",
    { index },
    templateRefusal(plan.table, index, trait, applied, outcome, shared, true),
  );
}

/**
 * What of a new index synced cannot live with: a `_source` not whole, routing it cannot give, or a
 * block of every write (`blocks`: those set true).
 */
function templateTrait(
  gap: SourceGap | undefined,
  routingRefused: boolean,
  blocks: readonly string[],
): TemplateTrait | undefined {
  if (gap !== undefined) return { source: gap };
  if (routingRefused) return { routingRequired: true };
  const block = blocks[0];
  return block === undefined ? undefined : { block };
}
