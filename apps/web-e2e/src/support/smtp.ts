import { expect, test, type APIRequestContext } from '@playwright/test';

export interface StoredMail {
  from: string | null;
  to: string[];
  subject: string;
  text: string;
  receivedAt: string;
}

/** The messages the stack's SMTP server (infra/smtp/smtp-sink.mjs, start-stack.mjs) stored, read through the control port (the app's port + 2). */
export async function mailTo(request: APIRequestContext, address: string): Promise<StoredMail[]> {
  const app = new URL(test.info().project.use.baseURL ?? 'http://127.0.0.1:3417');
  const res = await request.get(`http://127.0.0.1:${Number(app.port) + 2}/smtp/messages`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { items: StoredMail[] }).items.filter((m) => m.to.includes(address));
}
