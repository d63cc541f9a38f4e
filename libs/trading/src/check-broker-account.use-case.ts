import { Inject, Injectable } from '@nestjs/common';
import { isBrokerError, OpenAlgoAdapter } from '@tradeloop/brokers';
import { BrokerAccountDirectory, needsDailyLogin } from '@tradeloop/accounts';
import { InstrumentsRepository } from '@tradeloop/market';
import { APP_CONFIG, type AppConfig } from '@tradeloop/platform';
import { buildLiveAdapter } from './live-adapters';

/** The status reason of a connected OpenAlgo account whose install runs in analyzer mode (docs/api.md). */
export const ANALYZER_MODE_NOTE = 'Analyzer mode: OpenAlgo simulates these orders (sandbox), nothing reaches the exchange';

/**
 * Checks a live account that has no daily login (OpenAlgo: its API key is its session,
 * docs/brokers.md 4.8) when it is added or its credentials change: the broker is asked for the
 * account's funds. It answers → `connected` (with `ANALYZER_MODE_NOTE` as the status reason
 * when the install simulates orders); it refuses the key, answers HTML, or cannot be reached →
 * `error` with the reason. Only that account changes; the others keep trading. Accounts with a
 * daily login (Kite, Upstox) are connected by their login instead: nothing to do here.
 */
@Injectable()
export class CheckBrokerAccountUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BrokerAccountDirectory) private readonly accounts: BrokerAccountDirectory,
    @Inject(InstrumentsRepository) private readonly instruments: InstrumentsRepository,
  ) {}

  /** Returns the status it set, or null when the account is not one to check. */
  async execute(accountId: string, now = new Date()): Promise<'connected' | 'error' | null> {
    const account = await this.accounts.forExecution(accountId);
    if (!account || account.kind === 'paper' || account.disabled || needsDailyLogin(account.kind)) return null;
    const universe = await this.instruments.active(now.toISOString().slice(0, 10));
    const adapter = buildLiveAdapter(this.config, account, universe, { push: false, onAuthLost: () => undefined });
    try {
      await adapter.funds();
      const analyzer = adapter instanceof OpenAlgoAdapter ? await adapter.analyzerMode() : false;
      await this.accounts.markChecked(accountId, analyzer ? ANALYZER_MODE_NOTE : null);
      return 'connected';
    } catch (e) {
      await this.accounts.markError(accountId, reasonOf(e));
      return 'error';
    } finally {
      adapter.close();
    }
  }
}

/** What the owner reads: the broker's refusal of the key, or the transport problem, without our prefixes. */
function reasonOf(e: unknown): string {
  if (!isBrokerError(e)) return `The check failed: ${e instanceof Error ? e.message : String(e)}`;
  if (e.kind === 'auth') return `OpenAlgo refused the API key${e.brokerMessage ? `: ${e.brokerMessage}` : ''}`;
  return e.message.replace(/^openalgo \w+: /, '');
}
