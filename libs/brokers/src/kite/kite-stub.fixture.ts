// Small loopback stubs for the Kite transport specs (excluded from the build): an HTTP server
// whose answers each test scripts, and a WebSocket server that records what clients send.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type StubHandler = (req: StubRequest, res: ServerResponse) => void;

export interface HttpStub {
  readonly url: string;
  readonly requests: StubRequest[];
  handle(handler: StubHandler): void;
  close(): Promise<void>;
}

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
export const success = (res: ServerResponse, data: unknown): void => json(res, 200, { status: 'success', data });
export const failure = (res: ServerResponse, status: number, errorType: string, message: string): void =>
  json(res, status, { status: 'error', error_type: errorType, message, data: null });

export async function startHttpStub(initial?: StubHandler): Promise<HttpStub> {
  let handler: StubHandler = initial ?? ((_req, res) => json(res, 404, { status: 'error', message: 'no route' }));
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const r: StubRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(r);
      handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface WsStub {
  readonly url: string;
  /** Every connection, in order, with the URL it asked for and the text messages it sent. */
  readonly connections: { socket: WebSocket; url: string; received: string[] }[];
  /** Resolves with the next connection (or the nth, 1-based, if it already happened). */
  connection(n: number): Promise<{ socket: WebSocket; url: string; received: string[] }>;
  /** Refuse upgrades with this HTTP status from now on (null: accept). */
  refuseWith(status: number | null): void;
  close(): Promise<void>;
}

export async function startWsStub(): Promise<WsStub> {
  const server = createServer();
  let refuse: number | null = null;
  const wss = new WebSocketServer({ noServer: true });
  const connections: WsStub['connections'] = [];
  const waiting: { n: number; resolve: (c: WsStub['connections'][number]) => void }[] = [];
  server.on('upgrade', (req, socket, head) => {
    if (refuse !== null) {
      socket.end(`HTTP/1.1 ${refuse} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const c = { socket: ws, url: req.url ?? '', received: [] as string[] };
      ws.on('message', (data, binary) => {
        if (!binary) c.received.push(data.toString());
      });
      connections.push(c);
      for (const w of waiting.filter((x) => x.n === connections.length)) w.resolve(c);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    connection: (n) => {
      const done = connections[n - 1];
      if (done) return Promise.resolve(done);
      return new Promise((resolve) => waiting.push({ n, resolve }));
    },
    refuseWith: (status) => {
      refuse = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves with the first emission of `event` for which `accept` holds. */
export function nextEvent<T>(
  emitter: { on(event: string, l: (arg: T) => void): unknown; off(event: string, l: (arg: T) => void): unknown },
  event: string,
  accept: (arg: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const l = (arg: T): void => {
      if (!accept(arg)) return;
      emitter.off(event, l);
      resolve(arg);
    };
    emitter.on(event, l);
  });
}

/** A Kite order object as GET /orders, postbacks and ticker frames carry it. */
export function kiteOrderJson(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    order_id: '250101000000001',
    exchange_order_id: null,
    parent_order_id: null,
    status: 'OPEN',
    status_message: null,
    order_timestamp: '2026-12-01 09:15:00',
    exchange_timestamp: null,
    exchange_update_timestamp: null,
    variety: 'regular',
    exchange: 'NSE',
    tradingsymbol: 'INFY',
    instrument_token: 408065,
    order_type: 'LIMIT',
    transaction_type: 'BUY',
    validity: 'DAY',
    product: 'CNC',
    quantity: 10,
    disclosed_quantity: 0,
    price: 1500.5,
    trigger_price: 0,
    average_price: 0,
    filled_quantity: 0,
    pending_quantity: 10,
    cancelled_quantity: 0,
    tag: null,
    ...over,
  };
}
