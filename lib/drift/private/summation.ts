/**
 * Compensated summation for the drift statistics.
 *
 * Neumaier's variant of Kahan summation: the error of each addition is carried in a
 * second double, so a sum of n terms is accurate to about one rounding of the result
 * instead of n roundings, and terms larger than the running sum are handled too.
 */

/** A running compensated sum; `add` terms, then read `value`. */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  /** Adds one term. */
  public add(term: number): void {
    const t = this.sum + term;
    if (Math.abs(this.sum) >= Math.abs(term)) {
      this.compensation += (this.sum - t) + term;
    } else {
      this.compensation += (term - t) + this.sum;
    }
    this.sum = t;
  }

  /** The sum of the terms added so far. */
  public get value(): number {
    return this.sum + this.compensation;
  }
}
