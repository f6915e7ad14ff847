// The index templates that shape an index synced creates: a template an operator keeps for names such
// as `app-*` gives the new index its mapping too, and may leave fields out of `_source` or require a
// routing value, which no write by synced can then live with. Named in the refusal, so the operator
// knows what to change: the cluster's own answer names no template. So does a template whose
// settings block writes, which the new index would carry from its first moment.
import type { mappingTraits, SourceGap } from "./search-client.js";
import { SearchError } from "./search-error.js";
import { BLOCK_SETTINGS } from "./write-blocks.js";

/** One template as the cluster lists it: its name and the index name patterns it applies to. */
export interface TemplateEntry {
  readonly name: string;
  readonly patterns: readonly string[];
  /** A composable template's priority (the highest matching applies alone), a legacy one's order. */
  readonly rank: number;
}

/** Every template of the cluster, composable (`_index_template`) and legacy (`_template`). */
export interface IndexTemplates {
  readonly composable: readonly TemplateEntry[];
  readonly legacy: readonly TemplateEntry[];
}

/** A template that applies to an index, and of which kind. */
export interface AppliedTemplate {
  readonly name: string;
  readonly legacy: boolean;
}

/** Whether `name` matches `pattern`, whose only wildcard is `*` (as index_patterns take them). */
function matches(pattern: string, name: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === name;
  const [first = "", ...rest] = parts;
  const last = rest.pop() ?? "";
  if (!name.startsWith(first) || !name.endsWith(last) || name.length < first.length + last.length)
    return false;
  let at = first.length;
  const end = name.length - last.length;
  for (const part of rest) {
    const found = name.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/**
 * The templates that apply to a new index named `index`: the composable one of highest priority that
 * matches it, or, where none does, every legacy one that matches, as the cluster merges them.
 */
export function templatesFor(index: string, templates: IndexTemplates): AppliedTemplate[] {
  const applies = (t: TemplateEntry): boolean => t.patterns.some((p) => matches(p, index));
  const composable = templates.composable.filter(applies).sort((a, b) => b.rank - a.rank)[0];
  if (composable !== undefined) return [{ name: composable.name, legacy: false }];
  return templates.legacy
    .filter(applies)
    .sort((a, b) => a.rank - b.rank)
    .map((t) => ({ name: t.name, legacy: true }));
}

/** `GET _index_template`'s answer as IndexTemplates.composable. */
export function composableTemplates(answer: unknown): TemplateEntry[] {
  const list = (answer as { index_templates?: unknown } | undefined)?.index_templates;
  if (!Array.isArray(list)) return [];
  return list.map(
    (entry: { name?: unknown; index_template?: { index_patterns?: unknown; priority?: unknown } }) => ({
      name: String(entry.name),
      patterns: patternsOf(entry.index_template?.index_patterns),
      rank: Number(entry.index_template?.priority ?? 0),
    }),
  );
}

/** `GET _template`'s answer as IndexTemplates.legacy. */
export function legacyTemplates(answer: unknown): TemplateEntry[] {
  if (typeof answer !== "object" || answer === null) return [];
  return Object.entries(answer as Record<string, { index_patterns?: unknown; order?: unknown }>).map(
    ([name, template]) => ({
      name,
      patterns: patternsOf(template.index_patterns),
      rank: Number(template.order ?? 0),
    }),
  );
}

function patternsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.map(String) : [];
}

/**
 * What in the new index synced cannot live with: in its mapping, or a setting of BLOCK_SETTINGS
 * (`block`, set true) that refuses every write to it.
 */
export type TemplateTrait =
  { readonly source: SourceGap } | { readonly routingRequired: true } | { readonly block: string };

/**
 * What became of the new index: deleted again, left (the delete failed), or not made at all (a dry
 * run, which asks the cluster what the templates would give it).
 */
export type TemplatedIndex = "deleted" | "left" | "planned";

/**
 * Why a table is refused whose new index `index` a template shaped so, and what to do. `applied`:
 * the templates that apply, or undefined where the cluster would not list them (a role without
 * `manage_index_templates`). `shared`: the type-field layout's one index, which `-i` names.
 * `replay`: said of a replay's letter, which waits for the change, where a run's table is refused.
 */
export function templateRefusal(
  table: string,
  index: string,
  trait: TemplateTrait,
  applied: readonly AppliedTemplate[] | undefined,
  outcome: TemplatedIndex,
  shared = false,
  replay = false,
): string {
  const named =
    applied === undefined || applied.length === 0
      ? `an index template that matches ${index} (list them with GET _index_template and GET _template)`
      : applied
          .map((t) => `${t.legacy ? "the legacy index template" : "the index template"} ${t.name}`)
          .join(" and ");
  const given =
    "block" in trait
      ? `the setting ${trait.block}: true, which refuses every write to the index`
      : `a mapping that ${mappingText(trait, table)}`;
  const by = replay ? "a replay" : "a run";
  // A read-only index refuses its deletion too, until the block is lifted.
  const remove =
    "block" in trait
      ? `lift the block and delete it (PUT ${index}/_settings {"${trait.block}": null}, then DELETE ${index})`
      : `delete it (DELETE ${index})`;
  const made =
    outcome === "planned"
      ? `Index ${index}, which ${by} would create for table ${table}, would get from ${named} ${given}; ${by} would refuse the table before writing to it. `
      : `Index ${index}, which synced created for table ${table}, got from ${named} ${given}. ` +
        (outcome === "deleted"
          ? "synced deleted the index again before writing to it. "
          : `Nothing was written to it, but synced could not delete it again: ${remove}. `);
  const elsewhere = shared
    ? "name with -i an index no such template matches"
    : `give the table an index no such template matches (the config file's tables.${table}.index)`;
  // A block is a setting, which the request that creates an index overrides; a mapping's traits are not.
  const change =
    "block" in trait
      ? `Drop that setting from the template (or change its index_patterns to leave ${index} out), or ` +
        `make the index another way: create it yourself without the block (PUT ${index} {"settings": ` +
        `{"${trait.block}": false}}), which ${by} then ${shared ? "maps and writes to" : "maps as an index made ahead"}, ` +
        `or ${elsewhere}`
      : `Change the template so that its index_patterns leave ${index} out (or drop that setting from ` +
        `it), or ${elsewhere}`;
  if (replay) return `${made}${change}; then replay this letter.`;
  return (
    `${made}${change}. ` +
    "The table is not synced until then, and the checkpoint stays (leave the table out with " +
    "--exclude-tables to let it move)."
  );
}

/** What a mapping's trait does to the documents synced writes, and why that refuses the table. */
function mappingText(trait: Exclude<TemplateTrait, { readonly block: string }>, table: string): string {
  if ("source" in trait && trait.source.disabled)
    return (
      'keeps no _source ("_source": {"enabled": false}), so synced could not read its documents back, ' +
      "to compare them or to copy them to Cassandra"
    );
  if ("source" in trait)
    return (
      `leaves fields out of _source (${sourceText(trait.source)}), so its documents would read back ` +
      "without them and differ from their rows on every run"
    );
  return (
    'requires a routing value ("_routing": {"required": true}), so it would refuse every ' +
    `document synced writes without one (a routing column in the config file's tables.${table}.routing ` +
    "routes them)"
  );
}

function sourceText(gap: SourceGap): string {
  const quoted = (patterns: readonly string[]): string => patterns.map((p) => JSON.stringify(p)).join(", ");
  return [
    ...(gap.includes.length > 0 ? [`"includes": [${quoted(gap.includes)}]`] : []),
    ...(gap.excludes.length > 0 ? [`"excludes": [${quoted(gap.excludes)}]`] : []),
  ].join(", ");
}

/**
 * What the index templates would give a new index: the mapping's `_source` and `_routing`, pipelines,
 * and blocks.
 */
export interface TemplateShape {
  readonly mappings: TemplateMappings;
  /** The ingest pipelines its settings would send every write through (default, final). */
  readonly pipelines: readonly string[];
  /** The settings of BLOCK_SETTINGS its settings would set true, which refuse every write. */
  readonly blocks: readonly string[];
}

/** The part of a mapping mappingTraits reads. */
type TemplateMappings = NonNullable<Parameters<typeof mappingTraits>[0][string]["mappings"]>;

interface TemplateBody {
  readonly mappings?: TemplateMappings;
  readonly settings?: unknown;
}

/**
 * What the templates would give a new index named `index`: `simulated` is the answer of `POST
 * _index_template/_simulate_index/<index>`, which weighs only composable templates; where none
 * matches, the legacy ones of `GET _template`'s answer that match apply, merged lowest order first.
 */
export function templateShape(index: string, simulated: unknown, legacy: unknown): TemplateShape {
  const template = (simulated as { template?: TemplateBody } | undefined)?.template;
  if (template !== undefined) return shapeOf([template]);
  const entries = legacyTemplates(legacy);
  const bodies = legacy as Record<string, TemplateBody>;
  const applied = templatesFor(index, { composable: [], legacy: entries });
  return shapeOf(applied.map((t) => bodies[t.name] ?? {}));
}

function shapeOf(bodies: readonly TemplateBody[]): TemplateShape {
  let mappings: TemplateShape["mappings"] = {};
  const pipelines = new Map<string, string>();
  // A later template's value overrides an earlier one's, false too.
  const blocks = new Map<string, string>();
  for (const body of bodies) {
    const { _source, _routing } = body.mappings ?? {};
    mappings = {
      ...mappings,
      ...(_source === undefined ? {} : { _source }),
      ...(_routing === undefined ? {} : { _routing }),
    };
    for (const name of ["default_pipeline", "final_pipeline"]) {
      const value = indexSetting(body.settings, name);
      if (value !== undefined) pipelines.set(name, value);
    }
    for (const name of BLOCK_SETTINGS) {
      const value = setting(body.settings, name);
      if (value !== undefined) blocks.set(name, value);
    }
  }
  return {
    mappings,
    pipelines: [...new Set(pipelines.values())].filter((p) => p !== "_none").sort(),
    blocks: BLOCK_SETTINGS.filter((name) => blocks.get(name) === "true"),
  };
}

/** An `index.*` setting's value, by its name without `index.`. */
function indexSetting(settings: unknown, name: string): string | undefined {
  return setting(settings, `index.${name}`);
}

/**
 * A setting's value (a boolean as its text) by its dotted name, however the answer nests it: flat
 * (`{"index.blocks.write": true}`), nested (`{"index": {"blocks": {"write": "true"}}}`), or partly.
 */
function setting(settings: unknown, name: string): string | undefined {
  if (typeof settings !== "object" || settings === null) return undefined;
  for (const [key, value] of Object.entries(settings)) {
    if (key === name)
      return typeof value === "string" || typeof value === "boolean" ? String(value) : undefined;
    if (name.startsWith(`${key}.`)) {
      const found = setting(value, name.slice(key.length + 1));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Whether the request for a pipeline found it: the cluster answers 404 for one that does not exist. */
export async function pipelineFound(request: Promise<unknown>): Promise<boolean> {
  try {
    await request;
    return true;
  } catch (error) {
    if (error instanceof SearchError && error.answer.status === 404) return false;
    throw error;
  }
}
