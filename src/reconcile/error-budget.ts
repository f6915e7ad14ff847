// The circuit breaker: past the budget of bad records and failed writes, the run stops rather than
// pile up dead letters (an upstream fault usually looks like a flood of bad records).
export class ErrorBudget {
  #spent = 0;

  constructor(readonly limit: number) {}

  get spent(): number {
    return this.#spent;
  }

  /** Spends `count` errors; returns false once the budget is exceeded. */
  spend(count = 1): boolean {
    this.#spent += count;
    return this.#spent <= this.limit;
  }

  get exhausted(): boolean {
    return this.#spent > this.limit;
  }
}
