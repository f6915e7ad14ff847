// Names that come from data (a column, a document field, a renamed field) may spell a member every
// object inherits: `constructor`, `toString`, `valueOf`, `hasOwnProperty`. Read by such a name, an
// object that lacks it gives that inherited function, not "no value".

/** What `object` itself holds under `name`; undefined where it holds nothing by that name. */
export function ownValue<T>(object: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}
