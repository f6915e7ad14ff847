// The `index` of a table's settings against the other options: the layout must give tables indices
// of their own, and an index may hold one table, never the alias over them all nor synced's state.
import { ConfigError, describeSource } from "../core/errors.js";
import type { Layout } from "../core/layout.js";
import { settingSource, type TableSettings } from "../core/table-settings.js";
import type { DeadLetterLocation, StateLocation } from "../core/state-location.js";
import type { Layers } from "./layers.js";

export interface IndexContext {
  readonly layers: Layers;
  readonly layout: Layout;
  readonly index: string;
  readonly state: StateLocation;
  readonly deadLetter: DeadLetterLocation | undefined;
}

function refuse(settings: TableSettings, problem: string): ConfigError {
  return new ConfigError("config", settingSource(settings, "index"), problem, {
    details: { table: settings.table, index: settings.index },
  });
}

/** Refuses, before anything connects, a table index that the other options contradict. */
export function checkTableIndices(all: readonly TableSettings[], context: IndexContext): void {
  const { layers, layout, index } = context;
  const owners = new Map<string, TableSettings>();
  for (const settings of all) {
    const name = settings.index;
    if (name === undefined) continue;
    if (layout === "type-field") {
      const where = describeSource(layers.get("layout")?.source ?? { kind: "default" });
      throw refuse(
        settings,
        `the type-field layout (${where}) keeps every table in the one index -i ${index}, so a table ` +
          "cannot have an index of its own. Remove index here, or use --layout index-per-table.",
      );
    }
    if (name === index) {
      throw refuse(
        settings,
        `'${name}' is -i ${index} itself, the alias over every table's index; name the table's own index.`,
      );
    }
    const stateIndex = context.state.backend === "elasticsearch" ? context.state.index : undefined;
    const letterIndex =
      context.deadLetter?.backend === "elasticsearch" ? context.deadLetter.index : undefined;
    if (name === stateIndex || name === letterIndex) {
      throw refuse(
        settings,
        `'${name}' is where synced keeps its ${name === stateIndex ? "state" : "dead letters"}; name another index.`,
      );
    }
    const owner = owners.get(name);
    if (owner !== undefined) {
      throw refuse(
        settings,
        `table ${owner.table} maps to index '${name}' too, and an index holds one table in the ` +
          "index-per-table layout; give each table its own index.",
      );
    }
    owners.set(name, settings);
  }
}
