// cassandra-driver 4.10 decodes a user-defined type into a plain object by assignment
// (`result[field.name] = value`). Cassandra takes any quoted field name, and a field named `__proto__`
// is then no field: assigning a text or a number to it does nothing, and assigning a UDT value makes
// that value the object's prototype. The field's value never reached the index, and two keys of a
// frozen UDT that differed only there had one `_id`. Here a UDT is decoded as the driver decodes it,
// with each field an own property; every other type is left to the driver.
import cassandra from "cassandra-driver";
import { setOwn } from "../../core/canonical-json.js";

/** The driver's description of a type, as its encoder passes it around. */
interface DriverType {
  readonly code: number;
  readonly info?: unknown;
}

interface UdtField {
  readonly name: string;
  readonly type: DriverType;
}

interface DriverEncoder {
  decode: (this: DriverEncoder, bytes: Buffer | null, type: DriverType) => unknown;
}

const UDT_CODE: number = cassandra.types.dataTypes.udt;
const PATCHED = Symbol.for("synced.ownUdtFields");

/** The fields of a UDT's bytes (each a 4-byte length, -1 for null, then the value), as own properties. */
function decodeUdt(encoder: DriverEncoder, bytes: Buffer, type: DriverType): Record<string, unknown> {
  const fields = (type.info as { readonly fields: readonly UdtField[] }).fields;
  const result: Record<string, unknown> = {};
  let offset = 0;
  for (const field of fields) {
    // A UDT written before fields were added to its type ends early: those fields are missing.
    if (offset >= bytes.length) break;
    const length = bytes.readInt32BE(offset);
    offset += 4;
    if (length < 0) {
      setOwn(result, field.name, null);
      continue;
    }
    // Nested values (a UDT inside a UDT, a tuple, a collection) go through decode, and so here again.
    setOwn(result, field.name, encoder.decode(bytes.subarray(offset, offset + length), field.type));
    offset += length;
  }
  return result;
}

/** Makes every client of this process decode UDTs with own fields. Calling it again changes nothing. */
export function decodeUdtFieldsAsOwn(): void {
  const encoderClass = (cassandra as unknown as { Encoder?: { prototype: DriverEncoder } }).Encoder;
  if (encoderClass === undefined) throw new Error("cassandra-driver exports no Encoder to decode UDTs with");
  const prototype = encoderClass.prototype as DriverEncoder & { [PATCHED]?: true };
  if (prototype[PATCHED] === true) return;
  const driverDecode = prototype.decode;
  prototype.decode = function (this: DriverEncoder, bytes: Buffer | null, type: DriverType): unknown {
    if (type.code === UDT_CODE && bytes !== null && bytes.length > 0) return decodeUdt(this, bytes, type);
    return driverDecode.call(this, bytes, type);
  };
  prototype[PATCHED] = true;
}
