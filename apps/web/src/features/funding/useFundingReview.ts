import { useRef, useState } from 'react';
import { useFundWallet, isSettledAnswer, type FundingAttempt, type FundingOutcome, type FundingRequest } from './funding-api';

const fingerprintOf = (r: FundingRequest): string => JSON.stringify([r.user.id, r.direction, r.amount, r.reference]);

/**
 * The review-then-confirm flow and its Idempotency-Key.
 *
 * The key is made once, when the review opens, and every Confirm of that review sends it: a
 * double-click or a retry after a network error cannot move the money twice. If a send ended
 * without a final answer (network error, 5xx), the key is also kept for that exact request
 * when it is reviewed again; only a success or a definite refusal retires it, so an
 * unchanged request can never go out under a second key while the first may have landed.
 */
export function useFundingReview(onPosted: (outcome: FundingOutcome) => void) {
  const fund = useFundWallet();
  const [attempt, setAttempt] = useState<FundingAttempt | null>(null);
  const [unresolved, setUnresolved] = useState<{ fingerprint: string; key: string } | null>(null);
  const sending = useRef(false);

  const open = (request: FundingRequest) => {
    const fingerprint = fingerprintOf(request);
    const idempotencyKey = unresolved?.fingerprint === fingerprint ? unresolved.key : crypto.randomUUID();
    if (!fund.isPending) fund.reset();
    setAttempt({ ...request, idempotencyKey });
  };

  const confirm = () => {
    if (!attempt || sending.current) return;
    sending.current = true;
    setUnresolved({ fingerprint: fingerprintOf(attempt), key: attempt.idempotencyKey });
    fund.mutate(attempt, {
      onSuccess: (outcome) => {
        setUnresolved(null);
        setAttempt(null);
        onPosted(outcome);
      },
      onError: (error) => {
        if (isSettledAnswer(error)) setUnresolved(null);
      },
      onSettled: () => {
        sending.current = false;
      },
    });
  };

  return {
    attempt,
    open,
    confirm,
    close: () => setAttempt(null),
    pending: fund.isPending,
    error: fund.isError ? fund.error : null,
    /** This review's key was already sent once without a final answer. */
    isRetry: attempt !== null && unresolved?.key === attempt.idempotencyKey && !fund.isPending,
  };
}
