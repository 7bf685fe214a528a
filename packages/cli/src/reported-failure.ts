/**
 * Thrown by a command that has already printed its own failure result (for example
 * `ants token verify --json` printing `{"valid": false, ...}`) and only needs `main` to exit
 * with `exitStatus`, without the error printer writing a second result.
 *
 * @example
 * throw new ReportedFailure(exitCodeFor("ERR_TOKEN_EXPIRED"));
 */
export class ReportedFailure extends Error {
  override readonly name = "ReportedFailure";
  readonly exitStatus: number;

  constructor(exitStatus: number) {
    super(`failure already reported (exit status ${exitStatus})`);
    this.exitStatus = exitStatus;
  }
}
