// A typed model of the CQL types found in `system_schema.columns.type`, and the way back to CQL.
// User-defined types are resolved while parsing, through a lookup over `system_schema.types`, so
// every later step (encoding, decoding, mappings) sees one self-contained tree.
import { quoteIdentifier } from "./cql-identifier.js";
import { ValueError } from "./value-error.js";

export const NATIVE_NAMES = [
  "ascii",
  "bigint",
  "blob",
  "boolean",
  "counter",
  "date",
  "decimal",
  "double",
  "duration",
  "float",
  "inet",
  "int",
  "smallint",
  "text",
  "time",
  "timestamp",
  "timeuuid",
  "tinyint",
  "uuid",
  "varchar",
  "varint",
] as const;

export type NativeName = (typeof NATIVE_NAMES)[number];

export interface UdtField {
  readonly name: string;
  readonly type: CqlType;
}

export type CqlType =
  | { readonly kind: "native"; readonly name: NativeName }
  | { readonly kind: "list" | "set"; readonly element: CqlType; readonly frozen: boolean }
  | { readonly kind: "map"; readonly key: CqlType; readonly value: CqlType; readonly frozen: boolean }
  | { readonly kind: "tuple"; readonly elements: readonly CqlType[] }
  | UdtType
  | { readonly kind: "vector"; readonly element: CqlType; readonly dimension: number };

export interface UdtType {
  readonly kind: "udt";
  readonly keyspace: string;
  readonly name: string;
  readonly fields: readonly UdtField[];
  readonly frozen: boolean;
}

/** A row of `system_schema.types`: field types are CQL type strings, parsed on demand. */
export interface UdtDefinition {
  readonly keyspace: string;
  readonly name: string;
  readonly fieldNames: readonly string[];
  readonly fieldTypes: readonly string[];
}

/** Finds a UDT by name; `keyspace` is set only when the type string qualifies the name. */
export type UdtLookup = (name: string, keyspace: string | undefined) => UdtDefinition | undefined;

const NATIVE = new Set<string>(NATIVE_NAMES);
// Cassandra forbids recursive UDTs; the bound only stops a faulty lookup from recursing forever.
const MAX_DEPTH = 64;
const noUdts: UdtLookup = () => undefined;

/** Whether `type` is, or holds at any depth, a type that `is` picks. */
export function holdsType(type: CqlType, is: (type: CqlType) => boolean): boolean {
  if (is(type)) return true;
  switch (type.kind) {
    case "native":
      return false;
    case "list":
    case "set":
    case "vector":
      return holdsType(type.element, is);
    case "map":
      return holdsType(type.key, is) || holdsType(type.value, is);
    case "tuple":
      return type.elements.some((element) => holdsType(element, is));
    case "udt":
      return type.fields.some((field) => holdsType(field.type, is));
  }
}

export function native(name: NativeName): CqlType {
  return { kind: "native", name };
}

/** Parses a type string such as `map<text, frozen<list<int>>>`; throws a ValueError naming `path`. */
export function parseCqlType(text: string, lookupUdt: UdtLookup = noUdts, path = ""): CqlType {
  return new TypeParser(text, lookupUdt, path, 0).parseAll();
}

class TypeParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly lookupUdt: UdtLookup,
    private readonly path: string,
    private readonly depth: number,
  ) {}

  parseAll(): CqlType {
    const type = this.parseType();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text.slice(this.pos)}"`);
    return type;
  }

  private parseType(): CqlType {
    this.skipSpace();
    if (this.text.startsWith("'", this.pos)) this.fail("custom types have no JSON form and are refused");
    const [word, quoted] = this.identifier();
    if (quoted || !this.peek("<")) return this.nativeOrUdt(word, quoted);
    this.expect("<");
    const type = this.parameterized(word);
    this.expect(">");
    return type;
  }

  private parameterized(word: string): CqlType {
    switch (word) {
      case "frozen":
        return freeze(this.parseType(), () => this.fail("frozen<> applies to collections and UDTs"));
      case "list":
      case "set":
        return { kind: word, element: this.parseType(), frozen: false };
      case "map": {
        const key = this.parseType();
        this.expect(",");
        return { kind: "map", key, value: this.parseType(), frozen: false };
      }
      case "tuple": {
        const elements = [this.parseType()];
        while (this.peek(",")) {
          this.expect(",");
          elements.push(this.parseType());
        }
        return { kind: "tuple", elements };
      }
      case "vector": {
        const element = this.parseType();
        this.expect(",");
        this.skipSpace();
        const digits = /^\d+/.exec(this.text.slice(this.pos))?.[0] ?? "";
        this.pos += digits.length;
        const dimension = Number(digits);
        if (!(dimension > 0)) this.fail("a vector needs a positive dimension");
        return { kind: "vector", element, dimension };
      }
      default:
        return this.fail(`unknown parameterized type "${word}"`);
    }
  }

  private nativeOrUdt(word: string, quoted: boolean): CqlType {
    if (!quoted && NATIVE.has(word)) return native(word as NativeName);
    let keyspace: string | undefined;
    let name = word;
    if (this.peek(".")) {
      this.expect(".");
      keyspace = word;
      name = this.identifier()[0];
    }
    if (this.depth >= MAX_DEPTH) this.fail(`UDT "${name}" nests too deeply`);
    const definition = this.lookupUdt(name, keyspace);
    if (definition === undefined) return this.fail(`unknown type "${name}"`);
    if (definition.fieldNames.length !== definition.fieldTypes.length || definition.fieldNames.length === 0) {
      this.fail(`UDT "${name}" has a malformed definition`);
    }
    const fields = definition.fieldNames.map((fieldName, i) => ({
      name: fieldName,
      type: new TypeParser(
        definition.fieldTypes[i] ?? "",
        this.lookupUdt,
        this.path,
        this.depth + 1,
      ).parseAll(),
    }));
    return { kind: "udt", keyspace: definition.keyspace, name: definition.name, fields, frozen: false };
  }

  private identifier(): [string, boolean] {
    this.skipSpace();
    if (this.text.startsWith('"', this.pos)) {
      const match = /^"((?:[^"]|"")*)"/.exec(this.text.slice(this.pos));
      if (!match) return this.fail("unterminated quoted name");
      this.pos += match[0].length;
      return [(match[1] ?? "").replaceAll('""', '"'), true];
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0];
    if (word === undefined) return this.fail(`expected a type at "${this.text.slice(this.pos)}"`);
    this.pos += word.length;
    return [word.toLowerCase(), false];
  }

  private peek(token: string): boolean {
    this.skipSpace();
    return this.text.startsWith(token, this.pos);
  }

  private expect(token: string): void {
    if (!this.peek(token)) this.fail(`expected "${token}" at "${this.text.slice(this.pos)}"`);
    this.pos += token.length;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text.charAt(this.pos))) this.pos++;
  }

  private fail(reason: string): never {
    throw new ValueError(this.path, `cannot read CQL type "${this.text}": ${reason}`);
  }
}

function freeze(type: CqlType, refuse: () => never): CqlType {
  switch (type.kind) {
    case "list":
    case "set":
    case "map":
    case "udt":
      return { ...type, frozen: true };
    case "tuple":
      return type;
    default:
      return refuse();
  }
}

/** Prints the type as CQL for CREATE TABLE and CREATE TYPE, in the keyspace that holds its UDTs. */
export function formatCqlType(type: CqlType): string {
  const wrap = (frozen: boolean, inner: string) => (frozen ? `frozen<${inner}>` : inner);
  switch (type.kind) {
    case "native":
      return type.name;
    case "list":
    case "set":
      return wrap(type.frozen, `${type.kind}<${formatCqlType(type.element)}>`);
    case "map":
      return wrap(type.frozen, `map<${formatCqlType(type.key)}, ${formatCqlType(type.value)}>`);
    case "tuple":
      return `frozen<tuple<${type.elements.map(formatCqlType).join(", ")}>>`;
    case "udt":
      return wrap(type.frozen, quoteIdentifier(type.name));
    case "vector":
      return `vector<${formatCqlType(type.element)}, ${type.dimension}>`;
  }
}

/** `CREATE TYPE IF NOT EXISTS ks.name (field type, ...)`; nested UDTs must be created first. */
export function formatCreateType(udt: UdtType): string {
  const name = udt.keyspace === "" ? "" : `${quoteIdentifier(udt.keyspace)}.`;
  const fields = udt.fields.map((f) => `${quoteIdentifier(f.name)} ${formatCqlType(f.type)}`).join(", ");
  return `CREATE TYPE IF NOT EXISTS ${name}${quoteIdentifier(udt.name)} (${fields})`;
}
