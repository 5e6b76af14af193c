/**
 * A usage error (a bad flag value found inside a command's handler): `ppma` prints its message on
 * one line and exits 2, like the usage errors yargs finds itself (docs/ARCHITECTURE.md §10).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
