// Operations the fuzzer does not call, each with why. Everything else in /api/docs-json is
// exercised for every role, and the run fails if any operation is left out.
export const EXCLUDED = [
  // Revokes the session the fuzzer is authenticated with: every later request would be a 401.
  { operation: 'POST /api/v1/auth/logout', why: "ends the run's own session" },
  // Engages or releases the platform-wide switch: as the admin it would stop every order of
  // every user for the rest of the run (the user-scoped switch is fuzzed through the same route
  // only with scope=user by the integration tests; the route stays excluded as a whole).
  { operation: 'POST /api/v1/admin/risk/kill-switch', why: 'the global kill switch halts the platform' },
];
