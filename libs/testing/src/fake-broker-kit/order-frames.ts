/**
 * The order-update frame faults every fake broker scripts (adapters must survive lost, repeated
 * and out-of-order updates): drop the next n frames, send each frame twice, hold each frame back and send it after the next one (pairs swapped). Turning reordering
 * off sends a held frame (once).
 */
export class OrderFrameScript {
  private dropping = 0;
  private duplicating = false;
  private reordering = false;
  private held: string | null = null;

  /** `send` delivers one frame to every connected client. */
  constructor(private readonly send: (text: string) => void) {}

  dropNext(n: number): void {
    this.dropping = n;
  }

  duplicate(on: boolean): void {
    this.duplicating = on;
  }

  reorder(on: boolean): void {
    this.reordering = on;
    if (!on && this.held !== null) {
      const held = this.held;
      this.held = null;
      this.send(held);
    }
  }

  /** One order frame through the script. */
  push(text: string): void {
    if (this.dropping > 0) {
      this.dropping -= 1;
      return;
    }
    const out: string[] = [];
    if (this.reordering) {
      if (this.held === null) {
        this.held = text;
        return;
      }
      out.push(text, this.held);
      this.held = null;
    } else out.push(text);
    for (const t of out) {
      this.send(t);
      if (this.duplicating) this.send(t);
    }
  }
}
