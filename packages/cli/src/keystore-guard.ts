import { lstat } from "node:fs/promises";
import { ClientError } from "@ants/client";

/**
 * Throws ERR_KEYSTORE_EXISTS when something is already at `path`. The write itself checks again
 * atomically; this early check only spares a person typing a passphrase for nothing.
 *
 * @example
 * await assertNoKeystore("/home/a/.ants/identity.age");
 */
export async function assertNoKeystore(path: string): Promise<void> {
  const found = await lstat(path).then(
    () => true,
    () => false,
  );
  if (found) {
    throw new ClientError(
      "ERR_KEYSTORE_EXISTS",
      `keystore: ${path} already exists; pass --force to replace it`,
    );
  }
}
