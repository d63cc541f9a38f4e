import { Injectable } from '@nestjs/common';
import type { Sql } from '@tradeloop/platform';

/** One encrypted value of a row that is not under the active key (or a plaintext still to be encrypted). */
export interface StaleSecret {
  /** The column or field, as the store's rewrite expects it. */
  field: string;
  /** The AAD the value is (to be) bound to (CredentialsCipher). */
  aad: string;
  /** The stored ciphertext; with `plaintext` true, a legacy value stored in clear that the job encrypts. */
  stored: string;
  plaintext?: boolean;
}

/** A locked row with values to move; `carry` is the store's own (e.g. a masked target to write with them). */
export interface StaleSecretRow {
  id: string;
  secrets: StaleSecret[];
  carry?: Readonly<Record<string, string>>;
}

/**
 * A table whose rows hold values encrypted with the credentials key ring (docs/architecture.md
 * "Secrets"). Each owning context exposes one through its repository; the re-encrypt job walks
 * them all with the same loop (ReencryptSecretsUseCase), so there is one rotation procedure.
 */
export interface EncryptedSecretStore {
  /** The table, for the job's counts and audit. */
  readonly name: string;
  /** Up to `limit` rows with a value not under `activeKeyId`, ids above `afterId`, locked FOR UPDATE SKIP LOCKED in `sql`'s transaction. */
  lockStale(sql: Sql, activeKeyId: string, limit: number, afterId: string | null): Promise<StaleSecretRow[]>;
  /** Writes the new ciphertexts (by field) of one locked row; `row` is the one lockStale returned. */
  rewrite(sql: Sql, row: StaleSecretRow, ciphertexts: Readonly<Record<string, string>>, keyId: string): Promise<void>;
  /** Rows still holding a value not under `activeKeyId`. */
  countStale(activeKeyId: string): Promise<number>;
}

/** Every store of the process: each context's store registers itself when its module starts (tests pass stores to `new`). */
@Injectable()
export class EncryptedSecretStores {
  private readonly stores = new Map<string, EncryptedSecretStore>();

  constructor(...seed: EncryptedSecretStore[]) {
    for (const s of seed) this.register(s);
  }

  register(store: EncryptedSecretStore): void {
    this.stores.set(store.name, store);
  }

  list(): EncryptedSecretStore[] {
    return [...this.stores.values()];
  }
}
