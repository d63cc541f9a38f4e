import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's baseline parameters (19 MiB, t=2, p=1). Parameters live in the encoded
 * hash, so raising them later still verifies old hashes.
 */
const PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  // Verified against when the account does not exist, so a miss costs the same time as a hit
  // and response timing does not reveal which emails are registered.
  private readonly decoy = hash('decoy-password-never-matches', PARAMS);

  hash(password: string): Promise<string> {
    return hash(password, PARAMS);
  }

  async verify(encoded: string | null, password: string): Promise<boolean> {
    try {
      return await verify(encoded ?? (await this.decoy), password);
    } catch {
      return false;
    }
  }
}
