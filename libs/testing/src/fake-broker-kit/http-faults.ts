import type { IncomingMessage, ServerResponse } from 'node:http';

/** What became of a request a fake broker logged: its status, or hung / reset by a fault. */
export type FakeRequestOutcome = number | 'hung' | 'reset' | null;

/** The faults after which the fake broker has already acted on the request (the order exists). */
export const isAfterAcceptFault = (fault: unknown): boolean =>
  fault === 'timeout-after-accept' || fault === 'reset-after-accept' || fault === 'html-after-accept';

/** The faults that hang or reset the request instead of answering it. */
export type TransportFault = 'timeout-before-accept' | 'timeout-after-accept' | 'reset' | 'reset-after-accept';

/**
 * The transport faults every fake broker scripts alike: a timeout leaves the request hanging
 * (held in `hung` so stop() can end it; removed when the client gives up), a reset destroys the
 * socket. Returns false for any other fault (the fake answers those itself).
 */
export function hangOrReset(
  fault: unknown,
  entry: { outcome: FakeRequestOutcome },
  req: IncomingMessage,
  res: ServerResponse,
  hung: Set<ServerResponse>,
): fault is TransportFault {
  if (fault === 'timeout-before-accept' || fault === 'timeout-after-accept') {
    entry.outcome = 'hung';
    hung.add(res);
    res.on('close', () => hung.delete(res));
    return true;
  }
  if (fault === 'reset' || fault === 'reset-after-accept') {
    entry.outcome = 'reset';
    req.socket.destroy();
    return true;
  }
  return false;
}
