import type { FastifyRequest } from 'fastify';

const SERVER_PREFIXES = ['/api', '/socket.io', '/metrics'];

/** A browser navigation to a client-side route, as opposed to an API call that missed. */
export function isSpaRequest(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = req.url.split('?')[0] ?? '/';
  if (SERVER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return false;
  if (/\.[a-z0-9]{1,8}$/i.test(path)) return false; // a missing asset is a real 404
  return (req.headers.accept ?? '').includes('text/html');
}
