import { Inject, Injectable } from '@nestjs/common';
import { InstrumentMastersRepository, type OnMasterApplied } from './instrument-masters.repository';
import {
  parseKiteInstruments,
  parseOpenAlgoInstruments,
  parseUpstoxInstruments,
  type MasterBroker,
  type MasterImportReport,
  type ParsedMaster,
} from './instrument-masters';

/** The master file could not be fetched (refused, not found, unreachable): nothing changed. */
export class MasterFetchError extends Error {
  constructor(
    readonly broker: MasterBroker,
    message: string,
  ) {
    super(`${broker} instrument master: ${message}`);
    this.name = 'MasterFetchError';
  }
}

const PARSERS: Record<MasterBroker, (s: AsyncIterable<Uint8Array>, o: { asOf: string }) => Promise<ParsedMaster>> = {
  kite: parseKiteInstruments,
  upstox: parseUpstoxInstruments,
  openalgo: parseOpenAlgoInstruments,
};

/** Today's IST calendar day, YYYY-MM-DD. */
export const istToday = (now = new Date()) => new Date(now.getTime() + 5.5 * 3_600_000).toISOString().slice(0, 10);

/**
 * Imports one broker's instrument master from a URL (docs/brokers.md, "Instrument masters"):
 * streamed (gunzip + line / record parsing, memory flat), parsed in full before anything is
 * written — a truncated or malformed file changes nothing and names its line or record — then
 * applied in one transaction. `onApplied` runs in that transaction (the run's audit event).
 */
@Injectable()
export class ImportInstrumentMasterUseCase {
  constructor(@Inject(InstrumentMastersRepository) private readonly masters: InstrumentMastersRepository) {}

  async execute(input: {
    broker: MasterBroker;
    url: string;
    asOf?: string;
    timeoutMs?: number;
    onApplied?: OnMasterApplied;
  }): Promise<MasterImportReport> {
    const asOf = input.asOf ?? istToday();
    let res: Response;
    try {
      res = await fetch(input.url, { signal: AbortSignal.timeout(input.timeoutMs ?? 120_000), redirect: 'follow' });
    } catch (err) {
      throw new MasterFetchError(input.broker, `cannot fetch it (${(err as Error).message})`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      throw new MasterFetchError(input.broker, `the server answered HTTP ${res.status}`);
    }
    const parsed = await PARSERS[input.broker](res.body as unknown as AsyncIterable<Uint8Array>, { asOf });
    return this.masters.apply(parsed, asOf, input.onApplied);
  }
}
