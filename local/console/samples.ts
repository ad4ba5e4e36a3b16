/**
 * Lines the playground offers to start from: each shows one behaviour of the example config (a masked card and
 * e-mail, a health check dropped by a rule, a debug line under the level floor, a secret under a sensitive key).
 * All values are fake (test card numbers, example.com, documentation IP ranges).
 */
export const SAMPLE_LINES: readonly string[] = [
  '{"service":"checkout","level":"info","message":"payment by ada@example.com with card 4111 1111 1111 1111 accepted","attributes":{"http":{"status":200},"duration_ms":42}}',
  '{"service":"web","level":"info","message":"GET /health 200","attributes":{"path":"/health"}}',
  '{"service":"web","level":"debug","message":"cache miss for key user:1234"}',
  '{"service":"auth","level":"warn","message":"login failed for grace@example.org from 203.0.113.7","attributes":{"password":"hunter2","http":{"status":401}}}',
  '2026-12-02T10:00:00Z ERROR billing: IBAN GB82WEST12345698765432 rejected, call +44 20 7946 0958',
  '{"service":"api","level":"info","message":"request took 118 ms","attributes":{"http":{"status":200},"duration_ms":118}}',
  '{"service":"api","level":"info","message":"request took 87 ms","attributes":{"http":{"status":200},"duration_ms":87}}',
];
