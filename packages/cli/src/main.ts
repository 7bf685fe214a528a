/** Runs the `ants` command with the given arguments and returns its exit status. */
export async function main(_argv: string[]): Promise<number> {
  return 0;
}
