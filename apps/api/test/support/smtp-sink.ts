import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SINK = resolve(__dirname, '../../../../infra/smtp/smtp-sink.mjs');

export interface SinkMessage {
  from: string | null;
  to: string[];
  subject: string;
  text: string;
  messageId: string | null;
  receivedAt: string;
}

/**
 * The local SMTP sink (infra/smtp/smtp-sink.mjs) as this test's own process: a real SMTP server on
 * a loopback port storing every message in a temporary directory. `stop()` and `start()` end and
 * start only this process (same port, same directory), for the "SMTP server down" cases.
 */
export class SmtpSink {
  readonly dir = mkdtempSync(join(tmpdir(), 'tradeloop-smtp-'));
  port = 0;
  private child: ChildProcess | null = null;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [SINK, '--port', String(this.port), '--dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const out: string[] = [];
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`smtp sink did not start: ${out.join('')}`)), 15_000);
      child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
      child.stdout!.on('data', (d: Buffer) => {
        out.push(d.toString());
        const m = /listening 127\.0\.0\.1:(\d+)/.exec(out.join(''));
        if (m) {
          clearTimeout(timer);
          this.port = Number(m[1]);
          ok();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`smtp sink exited (${code}): ${out.join('')}`));
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  /** Every stored message, oldest first. */
  messages(): SinkMessage[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as SinkMessage);
  }

  /** The messages to one address. */
  to(address: string): SinkMessage[] {
    return this.messages().filter((m) => m.to.includes(address));
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
