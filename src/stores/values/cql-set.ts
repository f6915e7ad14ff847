// What cassandra-driver makes of a set it reads: an array of every element Cassandra holds. A JS
// Set takes -0 for 0 (and keeps 0), while a set<float> or set<double> of Cassandra holds -0.0 and
// 0.0 as two elements: a row's {-0.0, 0.0} read as a Set lost an element.
//
// The driver reads a set as `new encoding.set(elements)`, and binds a value as a set's elements when
// it is `instanceof encoding.set` (any other value as a list's, which a Set is not). So `new` gives
// back the driver's array as it is (a constructor that returns an object makes `new` give that
// object), and the prototype is Set's, so that a Set of any kind is an instance and is bound as
// before; the driver checks that the prototype has a Set's forEach and add. An array is bound as a
// list's elements, which suits a set too.
function readSet(elements: unknown[]): unknown[] {
  return elements;
}
readSet.prototype = Set.prototype;

export const CqlSet = readSet as unknown as SetConstructor;
