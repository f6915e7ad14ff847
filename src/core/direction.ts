// Which way records are copied. The user chooses one of the choices; the engine runs each table in
// one direction at a time.

export const DIRECTION_CHOICES = ["both", "to-es", "to-cassandra"] as const;
export type DirectionChoice = (typeof DIRECTION_CHOICES)[number];

/** One way of copying: Cassandra to Elasticsearch, or back. */
export type Direction = Exclude<DirectionChoice, "both">;

/** The directions a choice runs, in the order they run: to-es first, so both sides converge in one run. */
export function directionsOf(choice: DirectionChoice): Direction[] {
  return choice === "both" ? ["to-es", "to-cassandra"] : [choice];
}

export function otherDirection(direction: Direction): Direction {
  return direction === "to-es" ? "to-cassandra" : "to-es";
}
