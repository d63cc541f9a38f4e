// A small reverse proxy in front of several API processes on one host (`npm run up -- --api N`):
// HTTP requests go round-robin; WebSocket upgrades (Socket.IO) are piped through to one API;
// Socket.IO's long-polling fallback sticks to one API per client address (its requests of one
// session must reach the process that holds it; the web app itself uses WebSocket only).
// node:http and node:net only. docker-compose.yml uses nginx for the same job.
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/** FNV-1a of a string: the client address's API for Socket.IO polling. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * `targets`: [{ host, port }] of the APIs. Returns the http.Server (not listening yet).
 * X-Forwarded-For/-Proto/-Host are set, so the APIs run with TRUST_PROXY=true.
 */
export function createProxy(targets, { log = () => {} } = {}) {
  let next = 0;
  const pick = (req) => {
    if ((req.url ?? '').startsWith('/socket.io/')) return targets[hash(req.socket.remoteAddress ?? '') % targets.length];
    next = (next + 1) % targets.length;
    return targets[next];
  };
  const forwarded = (req) => {
    const prior = req.headers['x-forwarded-for'];
    return {
      'x-forwarded-for': prior ? `${prior}, ${req.socket.remoteAddress}` : (req.socket.remoteAddress ?? ''),
      'x-forwarded-proto': 'http',
      'x-forwarded-host': req.headers.host ?? '',
    };
  };

  const server = createServer((req, res) => {
    const target = pick(req);
    const upstream = httpRequest(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, ...forwarded(req) } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.rawHeaders);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      log(`proxy: ${target.host}:${target.port} ${err.message}`);
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status: 502, detail: 'the API process is not answering' }));
      } else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('upgrade', (req, socket, head) => {
    const target = pick(req);
    const upstream = connect(target.port, target.host, () => {
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      for (const [k, v] of Object.entries(forwarded(req))) headers.push(`${k}: ${v}`);
      upstream.write(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head && head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  });
  return server;
}
