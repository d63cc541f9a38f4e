/**
 * How many ticks a fake broker's flood sends on each timer turn: the time since the last turn at
 * the rate, but never more than `maxBurst` (default a tenth of a second's worth). The receiver runs
 * in the same process, so a busy receiver delays the timer; catching up on all of that delay at
 * once makes the next turn later still, and on a loaded machine the flood feeds on itself (a CI
 * run saw the OpenAlgo kit case pass 5 s this way). One bounded burst keeps the flood faster than
 * any slow pipeline without that spiral.
 */
export class FloodPacer {
  private owed = 0;
  private last = performance.now();

  constructor(
    private readonly perSecond: number,
    private readonly maxBurst = Math.max(1, Math.ceil(perSecond / 10)),
  ) {}

  take(): number {
    const now = performance.now();
    this.owed = Math.min(this.maxBurst, this.owed + ((now - this.last) / 1_000) * this.perSecond);
    this.last = now;
    const n = Math.floor(this.owed);
    this.owed -= n;
    return n;
  }
}
