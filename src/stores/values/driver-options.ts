// The cassandra-driver encoding options the value layer is written for. Every Client that reads or
// writes row values must be created with them (`new Client({ ..., encoding: CASSANDRA_ENCODING })`):
// - map: a Map (CqlMap). Without one the driver turns a map into a plain object, so an int, uuid, timestamp or
//   blob key becomes whatever its toString gives (a Date loses its milliseconds, a Buffer its bytes),
//   and binding an object makes every key a string, which int keys refuse. A CqlMap rather than a
//   Map, which would take a float or double key -0.0 for 0.0 (cql-map.ts).
// - set: CqlSet, so a set reads as an array of every element Cassandra holds (a Set would take -0.0
//   and 0.0 for one element), and a Set or an array is accepted when binding (cql-set.ts).
// - useBigIntAsLong, useBigIntAsVarint: bigint, counter and varint are exact JS bigints both ways,
//   the same type the engine uses for microsecond versions (also for `USING TIMESTAMP ?`).
// Beside them, a user-defined type is decoded with each field an own property, a field named
// `__proto__` too (own-udt-fields.ts): whoever builds a client with these options gets that as well.
import type { ClientOptions } from "cassandra-driver";
import { CqlMap } from "./cql-map.js";
import { CqlSet } from "./cql-set.js";
import { decodeUdtFieldsAsOwn } from "./own-udt-fields.js";

decodeUdtFieldsAsOwn();

export const CASSANDRA_ENCODING = {
  map: CqlMap,
  set: CqlSet,
  useBigIntAsLong: true,
  useBigIntAsVarint: true,
} as const satisfies NonNullable<ClientOptions["encoding"]>;
