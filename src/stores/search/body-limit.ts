// A limit on request bodies in front of the nodes (a proxy's, such as nginx's client_max_body_size of
// 1 MiB, or the nodes' http.max_content_length), learned from bulk requests refused as too large
// (413). Without it every later large batch was refused first and then sent in halves, paying several
// refused requests each: once a body was refused, bodies are made no larger than the largest one
// accepted since, for the rest of the run.

/** Told once, at the first refusal, with the size of the body refused. */
export type BodyLimitListener = (refusedBytes: number) => void;

export class BulkBodyLimit {
  /** The smallest body refused as too large. */
  #refused: number | undefined;
  /** The largest body accepted that is smaller than every body refused. */
  #accepted: number | undefined;
  readonly #onFirstRefusal: BodyLimitListener | undefined;

  constructor(onFirstRefusal?: BodyLimitListener) {
    this.#onFirstRefusal = onFirstRefusal;
  }

  /** The most bytes a body should hold; undefined: no body was refused, or none accepted since. */
  get maxBytes(): number | undefined {
    return this.#refused === undefined ? undefined : this.#accepted;
  }

  refused(bytes: number): void {
    const first = this.#refused === undefined;
    this.#refused = Math.min(this.#refused ?? bytes, bytes);
    if (this.#accepted !== undefined && this.#accepted >= this.#refused) this.#accepted = undefined;
    if (first) this.#onFirstRefusal?.(bytes);
  }

  accepted(bytes: number): void {
    if (this.#refused === undefined || bytes >= this.#refused) return;
    this.#accepted = Math.max(this.#accepted ?? bytes, bytes);
  }
}
