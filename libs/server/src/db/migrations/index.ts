import { Foundation1763776800000 } from './1763776800000-foundation';
import { WalletLedger1763784000000 } from './1763784000000-wallet-ledger';

/** Every migration in order. Listed explicitly so bundling or renaming can never skip one. */
export const MIGRATIONS = [Foundation1763776800000, WalletLedger1763784000000];
