// The convergence checker's oracle: the newest application write is the only right end state, ties
// allow any one winner held by every store, and a tombstone beats a live record at the same instant.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Oracle } from "../reliability/oracle.js";
import { SeededRandom } from "../reliability/seeded-random.js";

const live = (tmstmp: number, v: number) => ({ tmstmp, v, deleted: false });

describe("the convergence oracle", () => {
  it("expects the newest write from either store, even when it arrived first", () => {
    const oracle = new Oracle();
    oracle.write("t/a", "es", live(200, 2));
    oracle.write("t/a", "cassandra", live(100, 1));
    assert.deepEqual(oracle.expected("t/a"), [live(200, 2)]);
    assert.equal(oracle.check("t/a", { cassandra: live(200, 2), es: live(200, 2) }), undefined);
    assert.match(
      oracle.check("t/a", { cassandra: live(100, 1), es: live(200, 2) })?.problem ?? "",
      /cassandra holds/,
    );
    assert.match(
      oracle.check("t/a", { cassandra: undefined, es: live(200, 2) })?.problem ?? "",
      /missing on cassandra/,
    );
  });

  it("accepts either side of a tie only when both stores hold the same one, and lets a tombstone win it", () => {
    const oracle = new Oracle();
    oracle.write("t/b", "es", live(300, 1));
    oracle.write("t/b", "cassandra", live(300, 2));
    assert.equal(oracle.check("t/b", { cassandra: live(300, 1), es: live(300, 1) }), undefined);
    assert.match(
      oracle.check("t/b", { cassandra: live(300, 2), es: live(300, 1) })?.problem ?? "",
      /different winners/,
    );
    oracle.write("t/c", "es", live(400, 1));
    oracle.write("t/c", "cassandra", { tmstmp: 400, v: 1, deleted: true });
    assert.deepEqual(oracle.expected("t/c"), [{ tmstmp: 400, v: 1, deleted: true }]);
  });

  it("keeps each writer's writes to one store in order, and refuses a write that goes back", () => {
    const oracle = new Oracle();
    oracle.write("t/d", "es", live(500, 1));
    assert.equal(oracle.timestampFor("t/d", "es", 450), 501);
    assert.equal(oracle.timestampFor("t/d", "cassandra", 450), 450);
    assert.throws(() => {
      oracle.write("t/d", "es", live(500, 2));
    }, /must go forward/);
  });

  it("replays the same numbers from the same seed", () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => random.int(0, 1000));
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
  });
});
