import { describe, expect, it } from 'vitest';
import { openAlgoWsUrl } from './openalgo-live-adapter';

describe('openAlgoWsUrl (docs/brokers.md 3.1: the WebSocket proxy beside the REST API)', () => {
  it('is the WebSocket port on the same machine, wss for an https host', () => {
    expect(openAlgoWsUrl('http://127.0.0.1:5000', 8765)).toBe('ws://127.0.0.1:8765');
    expect(openAlgoWsUrl('https://algo.example.in/', 8765)).toBe('wss://algo.example.in:8765');
  });

  it('with port 0 is the host itself at /ws (a reverse proxy serving both)', () => {
    expect(openAlgoWsUrl('https://algo.example.in/openalgo/', 0)).toBe('wss://algo.example.in/openalgo/ws');
    expect(openAlgoWsUrl('http://127.0.0.1:41234', 0)).toBe('ws://127.0.0.1:41234/ws');
  });
});
