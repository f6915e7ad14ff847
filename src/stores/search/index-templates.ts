// The index templates that shape an index synced creates: a template an operator keeps for names such
// as `app-*` gives the new index its mapping too, and may leave fields out of `_source` or require a
// routing value, which no write by synced can then live with. Named in the refusal, so the operator
// knows what to change: the cluster's own answer names no template.
import type { SourceGap } from "./search-client.js";

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

/** What in the new index's mapping synced cannot live with. */
export type TemplateTrait = { readonly source: SourceGap } | { readonly routingRequired: true };

/**
 * Why a table is refused whose new index `index` a template shaped so, and what to do. `applied`:
 * the templates that apply, or undefined where the cluster would not list them (a role without
 * `manage_index_templates`). `shared`: the type-field layout's one index, which `-i` names.
 */
export function templateRefusal(
  table: string,
  index: string,
  trait: TemplateTrait,
  applied: readonly AppliedTemplate[] | undefined,
  deleted: boolean,
  shared = false,
): string {
  const named =
    applied === undefined || applied.length === 0
      ? `an index template that matches ${index} (list them with GET _index_template and GET _template)`
      : applied
          .map((t) => `${t.legacy ? "the legacy index template" : "the index template"} ${t.name}`)
          .join(" and ");
  const what =
    "source" in trait && trait.source.disabled
      ? 'keeps no _source ("_source": {"enabled": false}), so synced could not read its documents back, ' +
        "to compare them or to copy them to Cassandra"
      : "source" in trait
        ? `leaves fields out of _source (${sourceText(trait.source)}), so its documents would read back ` +
          "without them and differ from their rows on every run"
        : 'requires a routing value ("_routing": {"required": true}), so it would refuse every ' +
          `document synced writes without one (a routing column in the config file's tables.${table}.routing ` +
          "routes them)";
  return (
    `Index ${index}, which synced created for table ${table}, got from ${named} a mapping that ${what}. ` +
    (deleted
      ? "synced deleted the index again before writing to it. "
      : `Nothing was written to it, but synced could not delete it again: delete it (DELETE ${index}). `) +
    `Change the template so that its index_patterns ` +
    `leave ${index} out (or drop that setting from it), or ` +
    (shared
      ? "name with -i an index no such template matches. "
      : `give the table an index no such template matches (the config file's tables.${table}.index). `) +
    "The table is not synced until then, and the checkpoint stays (leave the table out with " +
    "--exclude-tables to let it move)."
  );
}

function sourceText(gap: SourceGap): string {
  const quoted = (patterns: readonly string[]): string => patterns.map((p) => JSON.stringify(p)).join(", ");
  return [
    ...(gap.includes.length > 0 ? [`"includes": [${quoted(gap.includes)}]`] : []),
    ...(gap.excludes.length > 0 ? [`"excludes": [${quoted(gap.excludes)}]`] : []),
  ].join(", ");
}
