/**
 * The signed-in session's token pair, persisted in localStorage so a reload (or a second tab)
 * stays signed in. Tokens never leave this module except as request headers.
 */
export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

export type SessionEndReason = 'logout' | 'expired';

const STORAGE_KEY = 'tradeloop.session';

type Listener = () => void;
const listeners = new Set<Listener>();

/** Reads what is persisted right now; other tabs may have rotated the pair since we last looked. */
export function readStoredSession(): SessionTokens | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<SessionTokens>;
    if (typeof parsed.accessToken !== 'string' || typeof parsed.refreshToken !== 'string') return null;
    return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken };
  } catch {
    return null;
  }
}

let current: SessionTokens | null = readStoredSession();
let signingOut = false;
let lastEndReason: SessionEndReason | null = null;

const notify = () => listeners.forEach((listener) => listener());

export const getSession = (): SessionTokens | null => current;
export const isSigningOut = (): boolean => signingOut;
export const lastSessionEndReason = (): SessionEndReason | null => lastEndReason;

export function setSession(tokens: SessionTokens): void {
  current = tokens;
  signingOut = false;
  lastEndReason = null;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(tokens));
  notify();
}

/**
 * Marks the session as ending before the logout request goes out, so the realtime socket is
 * closed by us first and does not treat the server's disconnect as something to recover from.
 */
export function beginSignOut(): void {
  signingOut = true;
  notify();
}

export function clearSession(reason: SessionEndReason): void {
  current = null;
  signingOut = false;
  lastEndReason = reason;
  localStorage.removeItem(STORAGE_KEY);
  notify();
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab signed in, rotated the tokens or signed out: follow it.
window.addEventListener('storage', (event) => {
  if (event.key !== STORAGE_KEY && event.key !== null) return;
  const next = readStoredSession();
  if (!next && current) lastEndReason = 'logout';
  current = next;
  notify();
});
