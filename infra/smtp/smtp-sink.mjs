#!/usr/bin/env node
// A real SMTP server for local runs and tests (docs/alerts.md "Notifications"): it speaks SMTP on
// a loopback port (npm `smtp-server`), accepts every message and stores each one in a directory as
// `<n>.eml` (the raw message) and `<n>.json` ({ from, to, subject, text, html, messageId,
// receivedAt }, parsed with `mailparser`), so tests read what was delivered. No relaying, ever.
//
//   node infra/smtp/smtp-sink.mjs --port 2525 --dir .local/smtp/mail [--host 127.0.0.1] [--pidfile f]
//
// Prints `listening <host>:<port>` once it accepts connections; SIGTERM/SIGINT close it.
import { mkdirSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const host = arg('host', '127.0.0.1');
const port = Number(arg('port', '2525'));
const dir = resolve(arg('dir', '.local/smtp/mail'));
const pidfile = arg('pidfile');
const maxSize = 10 * 1024 * 1024;
if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
  console.error('smtp-sink listens on loopback only');
  process.exit(2);
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`bad --port ${port}`);
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
let seq = 0;

const server = new SMTPServer({
  secure: false,
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  // Any user and password are accepted: this is a sink for tests, on loopback only.
  onAuth(auth, _session, cb) {
    cb(null, { user: auth.username ?? 'anonymous' });
  },
  size: maxSize,
  logger: false,
  onData(stream, session, cb) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', async () => {
      if (stream.sizeExceeded) return cb(Object.assign(new Error('message too large'), { responseCode: 552 }));
      const raw = Buffer.concat(chunks);
      try {
        const parsed = await simpleParser(raw);
        const name = `${Date.now()}-${process.pid}-${String(++seq).padStart(6, '0')}`;
        const record = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : null,
          messageId: parsed.messageId ?? null,
          receivedAt: new Date().toISOString(),
        };
        writeFileSync(join(dir, `${name}.eml`), raw);
        // Written under a temporary name and renamed: a reader never sees half a file.
        writeFileSync(join(dir, `${name}.json.tmp`), JSON.stringify(record, null, 2));
        renameSync(join(dir, `${name}.json.tmp`), join(dir, `${name}.json`));
        cb(null, `stored as ${name}`);
      } catch (err) {
        cb(err);
      }
    });
  },
});

server.on('error', (err) => console.error(`smtp-sink: ${err.message}`));
server.listen(port, host, () => {
  const addr = server.server.address();
  if (pidfile) writeFileSync(pidfile, String(process.pid));
  console.log(`listening ${host}:${addr.port}`);
});

function stop() {
  server.close(() => {
    if (pidfile) {
      try {
        unlinkSync(pidfile);
      } catch {
        // already gone
      }
    }
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
