// The kill switch's square-off storm, for the bench (docs/api.md `POST /api/v1/admin/risk/kill-switch`
// `squareOff`; docs/domain.md "Risk", "Kill switch with square-off"). The same trigger and completion
// test as apps/api/test/kill-switch-square-off.int-spec.ts.
//
//   const started = performance.now();
//   await engageGlobalSquareOff(apiUrl, adminToken);
//   const done = await waitForSquareOffStorm(pgClient, { userIds });   // { ms, ... } since the call
//
// Completion = every position of `userIds` flat, every square-off order (client_tag 'squareoff')
// FILLED, and every square-off record of the engagement finished (none given up).

/** Engages the global kill switch with squareOff through the HTTP API; throws unless 200. */
export async function engageGlobalSquareOff(apiUrl, adminToken, reason = 'bench: square-off storm') {
  const res = await fetch(`${apiUrl}/api/v1/admin/risk/kill-switch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scope: 'global', engaged: true, reason, squareOff: true }),
  });
  const body = await res.json().catch(() => null);
  if (res.status !== 200) throw new Error(`engage with squareOff: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** One statement: what is still to do for these users (0 = done). */
export const STORM_REMAINING_SQL = `
  SELECT (SELECT count(*) FROM positions WHERE user_id = ANY($1::uuid[]) AND net_quantity <> 0)::int AS open_positions,
         (SELECT count(*) FROM orders WHERE client_tag = 'squareoff' AND user_id = ANY($1::uuid[]) AND status <> 'FILLED')::int AS unfilled_orders,
         (SELECT count(*) FROM orders WHERE client_tag = 'squareoff' AND user_id = ANY($1::uuid[]))::int AS orders,
         (SELECT count(*) FROM kill_switch_square_offs WHERE user_id = ANY($1::uuid[]) AND followed_up_at IS NULL)::int AS pending_users,
         (SELECT count(*) FROM kill_switch_square_offs WHERE user_id = ANY($1::uuid[]) AND outcome LIKE 'square-off gave up%')::int AS given_up`;

/**
 * Polls (every `pollMs`, one statement) until the storm is done for `userIds`; resolves with the
 * elapsed ms (from the call) and the counts, or rejects after `timeoutMs` with the counts left.
 * `client`: a connected `pg` Client or Pool on the stack's database.
 */
export async function waitForSquareOffStorm(client, { userIds, timeoutMs = 120_000, pollMs = 100 }) {
  const started = performance.now();
  for (;;) {
    const { rows } = await client.query(STORM_REMAINING_SQL, [userIds]);
    const r = rows[0];
    if (r.given_up > 0) throw new Error(`square-off gave up for ${r.given_up} user(s): see kill_switch_square_offs.outcome`);
    if (r.open_positions === 0 && r.unfilled_orders === 0 && r.pending_users === 0)
      return { ms: performance.now() - started, orders: r.orders };
    if (performance.now() - started > timeoutMs) throw new Error(`square-off storm not done after ${timeoutMs} ms: ${JSON.stringify(r)}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
