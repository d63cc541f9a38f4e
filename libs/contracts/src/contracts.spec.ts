import { z } from 'zod';
import * as contracts from '.';
import {
  AdminUserListQuerySchema,
  AdminUserPatchSchema,
  AuditQuerySchema,
  CandleQuerySchema,
  ComplianceLedgerQuerySchema,
  EmailSchema,
  humanText,
  LoginRequestSchema,
  PageQuerySchema,
  RegisterRequestSchema,
} from '.';

describe('contract schemas', () => {
  it('normalises emails and rejects junk', () => {
    expect(EmailSchema.parse('  Foo.Bar@Example.COM ')).toBe('foo.bar@example.com');
    for (const bad of ['', 'foo', 'a@', '@b.c', 'a b@c.d', `${'a'.repeat(250)}@b.cd`]) {
      expect(EmailSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('keeps script and SQL text as data but refuses control characters', () => {
    const name = humanText(100);
    expect(name.parse(" <script>alert('x')</script> ")).toBe("<script>alert('x')</script>");
    expect(name.parse("'; DROP TABLE users;--")).toBe("'; DROP TABLE users;--");
    expect(name.safeParse('bell\u0007').success).toBe(false);
    expect(name.safeParse('line\nbreak').success).toBe(false);
    expect(name.safeParse('   ').success).toBe(false);
    expect(name.safeParse('x'.repeat(101)).success).toBe(false);
  });

  it('register: strict, with password policy issues on the password field', () => {
    const ok = RegisterRequestSchema.safeParse({ email: 'a@b.co', password: 'long-enough-pw', displayName: 'A' });
    expect(ok.success).toBe(true);
    const weak = RegisterRequestSchema.safeParse({ email: 'a@b.co', password: 'short', displayName: 'A' });
    expect(weak.success).toBe(false);
    expect(weak.error!.issues.map((i) => i.path.join('.'))).toEqual(['password']);
    const extra = RegisterRequestSchema.safeParse({ email: 'a@b.co', password: 'long-enough-pw', displayName: 'A', roles: ['admin'] });
    expect(extra.success).toBe(false);
    expect(extra.error!.issues[0]!.code).toBe('unrecognized_keys');
  });

  it('login: any non-empty email string (no account enumeration), 6-digit otp', () => {
    expect(LoginRequestSchema.parse({ email: 'Not An Email', password: 'x' }).email).toBe('not an email');
    expect(LoginRequestSchema.safeParse({ email: 'a@b.c', password: 'x', otp: '12345' }).success).toBe(false);
    expect(LoginRequestSchema.safeParse({ email: 'a@b.c', password: 'x', otp: '123456' }).success).toBe(true);
  });

  it('date filters: only years Postgres holds (no year 0000, no five-digit years), the field named', () => {
    // Found by the API fuzzer: `to=0000-02-29T15:26:48Z` reached Postgres and came back a 500.
    for (const schema of [ComplianceLedgerQuerySchema, AuditQuerySchema]) {
      const bad = schema.safeParse({ to: '0000-02-29T15:26:48Z' });
      expect(bad.success).toBe(false);
      expect(bad.error?.issues[0]?.path).toEqual(['to']);
      expect(schema.safeParse({ from: '0001-01-01T00:00:00Z' }).success).toBe(true);
      expect(schema.safeParse({ from: '9999-12-31T23:59:59Z' }).success).toBe(true);
    }
    expect(CandleQuerySchema.safeParse({ symbol: 'INFY', timeframe: '1m', from: '0000-01-01T00:00:00Z' }).success).toBe(false);
  });

  it('pagination bounds', () => {
    expect(PageQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(PageQuerySchema.parse({ limit: '500' }).limit).toBe(500);
    for (const limit of ['0', '501', '1.5', 'x', '-1']) expect(PageQuerySchema.safeParse({ limit }).success, limit).toBe(false);
  });

  it('admin user list and patch', () => {
    expect(AdminUserListQuerySchema.parse({ disabled: 'true', role: 'quant' })).toMatchObject({ disabled: true, role: 'quant' });
    expect(AdminUserListQuerySchema.safeParse({ role: 'root' }).success).toBe(false);
    expect(AdminUserPatchSchema.safeParse({}).success).toBe(false);
    expect(AdminUserPatchSchema.safeParse({ roles: [] }).success).toBe(true);
    expect(AdminUserPatchSchema.safeParse({ roles: ['admin'], extra: 1 }).success).toBe(false);
  });
});

describe('contracts as JSON Schema (the OpenAPI document is generated from them)', () => {
  /** Every schema the package exports, as JSON Schema for what it takes in and what it gives out. */
  const exported = Object.entries(contracts as Record<string, unknown>).filter((e): e is [string, z.ZodType] => e[1] instanceof z.ZodType);

  it('never use a JSON Schema type list, which @nestjs/swagger misreads as an array (use orNull)', () => {
    expect(exported.length).toBeGreaterThan(50);
    const offenders: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}/${i}`));
      else if (node && typeof node === 'object') {
        if (Array.isArray((node as { type?: unknown }).type)) offenders.push(path);
        for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
      }
    };
    for (const [name, schema] of exported) {
      for (const io of ['input', 'output'] as const) {
        let json: unknown;
        try {
          json = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
        } catch {
          continue; // transforms without a JSON form (not part of a request or response body)
        }
        walk(json, `${name}(${io})`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
