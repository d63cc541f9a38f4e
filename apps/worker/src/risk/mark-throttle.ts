interface Pushed {
  at: number;
  /** What was last pushed per position (symbol:product), as JSON. */
  sent: Map<string, string>;
}

const keyOf = (p: { symbol: string; product: string }) => `${p.symbol}:${p.product}`;

/**
 * Which mark-to-market pushes go out: per user, at most one push every `minIntervalMs` (twice a
 * second at 500 ms), and in a push only the positions that changed since they were last pushed.
 * A push is one `position.updated` event per changed position. Pure bookkeeping, no I/O.
 */
export class MarkThrottle {
  private readonly users = new Map<string, Pushed>();

  constructor(readonly minIntervalMs: number) {}

  /** The positions to push for `userId` now, recorded as pushed; [] while the user's interval runs. */
  take<P extends { symbol: string; product: string }>(userId: string, positions: readonly P[], now: number): P[] {
    const last = this.users.get(userId);
    if (last && now - last.at < this.minIntervalMs) return [];
    const sent = new Map(positions.map((p) => [keyOf(p), JSON.stringify(p)]));
    const changed = positions.filter((p) => last?.sent.get(keyOf(p)) !== sent.get(keyOf(p)));
    if (changed.length === 0) {
      // Nothing pushed: the interval does not restart, but closed positions are forgotten.
      if (last) last.sent = new Map([...last.sent].filter(([k]) => sent.has(k)));
      return [];
    }
    this.users.set(userId, { at: now, sent });
    return changed;
  }

  /** How long until `userId` may be pushed again (0 if now). */
  waitMs(userId: string, now: number): number {
    const last = this.users.get(userId);
    return last ? Math.max(0, last.at + this.minIntervalMs - now) : 0;
  }

  /** Forgets users who are no longer watched (no open position), so memory follows the book. */
  retain(userIds: ReadonlySet<string>): void {
    for (const id of this.users.keys()) if (!userIds.has(id)) this.users.delete(id);
  }

  clear(): void {
    this.users.clear();
  }
}
