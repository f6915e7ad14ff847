// A value that cannot cross between the stores exactly. The path names the column and the position
// inside it (`tags[2]`, `address.zip`, `attrs["k"]`), so the dead-letter entry says where to look.
import { SyncedError } from "./errors.js";
import { NumberLiteral } from "./number-literal.js";

/** A value that does not fit its CQL type, or that a driver cannot represent. */
export class ValueError extends SyncedError {
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(path === "" ? reason : `field "${path}": ${reason}`, path === "" ? {} : { field: path }, options);
  }
}

const MAX_SHOWN = 60;

/** A short, safe rendering of a value for error messages: strings quoted and cut, objects by class. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(cut(value));
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return String(value);
    case "undefined":
      return "undefined";
    case "object":
      if (value === null) return "null";
      // A number as the document writes it: the value it stands for, not a double near it.
      if (value instanceof NumberLiteral) return cut(value.text);
      if (Array.isArray(value)) return `an array of ${value.length}`;
      return className(value);
    default:
      return `a ${typeof value}`;
  }
}

function cut(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** "an object" for a plain one (JSON's objects), else its class with its article ("a Date"). */
function className(value: object): string {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  const name = prototype?.constructor?.name;
  return name === undefined || name === "Object" ? "an object" : `a ${name}`;
}

/** The path of a UDT field: `address.zip`. */
export function fieldPath(path: string, field: string): string {
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? field : JSON.stringify(field);
  return path === "" ? name : `${path}.${name}`;
}

/**
 * `error` as thrown by the value at `path`: a ValueError of a value inside it names a path relative to
 * that value (`[2]`, `zip`, or "" for the value itself), and gets the whole one. Converters pass ""
 * into elements and fields and make the whole path only here, on an error: made eagerly for every
 * element and field, paths were most of what converting a collection allocated.
 */
export function within(error: unknown, path: string): unknown {
  if (!(error instanceof ValueError)) return error;
  const inner = error.path;
  const whole =
    inner === "" ? path : path === "" || inner.startsWith("[") ? `${path}${inner}` : `${path}.${inner}`;
  return new ValueError(whole, error.reason, { cause: error.cause });
}

/** The path of a list, set, tuple or vector element (`tags[2]`) or of a map entry (`attrs["k"]`). */
export function elementPath(path: string, key: number | string): string {
  return typeof key === "number" ? `${path}[${key}]` : `${path}[${JSON.stringify(key)}]`;
}
