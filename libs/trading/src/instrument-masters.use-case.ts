import { Inject, Injectable } from '@nestjs/common';
import { INSTRUMENT_MASTER_SOURCES } from '@tradeloop/contracts';
import { BrokerAccountDirectory } from '@tradeloop/accounts';
import { AuditRepository } from '@tradeloop/identity';
import {
  ImportInstrumentMasterUseCase,
  InstrumentMasterError,
  MasterFetchError,
  type MasterBroker,
  type MasterImportReport,
} from '@tradeloop/market';
import { APP_CONFIG, Db, type AppConfig } from '@tradeloop/platform';

/** What one source's import did: its report, or why nothing changed. */
export type InstrumentMasterOutcome =
  | { source: MasterBroker; outcome: 'imported'; report: MasterImportReport }
  | { source: MasterBroker; outcome: 'failed'; error: string; at?: string }
  | { source: MasterBroker; outcome: 'skipped'; reason: string };

/**
 * The daily instrument masters job (docs/brokers.md, "Instrument masters"; run by the worker's
 * `maintenance.instrument-masters` before the open, and by `POST /admin/jobs/instrument-masters`):
 * Kite's dump (KITE_INSTRUMENTS_URL), Upstox's BOD file (UPSTOX_INSTRUMENTS_URL) and OpenAlgo's
 * instruments (the first enabled OpenAlgo account whose host answers; every instance serves the
 * same OpenAlgo symbols). Each source is one transaction; each run is audited with its report
 * (`instruments.master_imported`, in that transaction) or its failure
 * (`instruments.master_import_failed`, the line or record named). One source failing leaves the
 * others' imports standing.
 */
@Injectable()
export class RunInstrumentMastersUseCase {
  constructor(
    @Inject(ImportInstrumentMasterUseCase) private readonly importer: ImportInstrumentMasterUseCase,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(BrokerAccountDirectory) private readonly accounts: BrokerAccountDirectory,
    @Inject(Db) private readonly db: Db,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(input: { source?: MasterBroker; asOf?: string } = {}): Promise<InstrumentMasterOutcome[]> {
    const out: InstrumentMasterOutcome[] = [];
    for (const source of input.source ? [input.source] : INSTRUMENT_MASTER_SOURCES) out.push(await this.runOne(source, input.asOf));
    return out;
  }

  private async runOne(source: MasterBroker, asOf: string | undefined): Promise<InstrumentMasterOutcome> {
    const urls = await this.urlsOf(source);
    if (urls.length === 0) return { source, outcome: 'skipped', reason: 'no enabled OpenAlgo account' };
    let failure: Extract<InstrumentMasterOutcome, { outcome: 'failed' }> = { source, outcome: 'failed', error: 'not tried' };
    for (const url of urls) {
      try {
        const report = await this.importer.execute({
          broker: source,
          url,
          ...(asOf ? { asOf } : {}),
          onApplied: (sql, r) =>
            this.audit.append({ actorId: null, action: 'instruments.master_imported', subject: source, details: { ...r } }, sql),
        });
        return { source, outcome: 'imported', report };
      } catch (err) {
        if (err instanceof InstrumentMasterError) failure = { source, outcome: 'failed', error: err.message, at: err.at };
        else if (err instanceof MasterFetchError) failure = { source, outcome: 'failed', error: err.message };
        else throw err;
        // A malformed file is the broker's answer; another OpenAlgo host may still serve a good one.
      }
    }
    const f = failure;
    await this.audit.append({
      actorId: null,
      action: 'instruments.master_import_failed',
      subject: source,
      details: { error: f.error, ...(f.at ? { at: f.at } : {}) },
    });
    return f;
  }

  private async urlsOf(source: MasterBroker): Promise<string[]> {
    if (source === 'kite') return [this.config.KITE_INSTRUMENTS_URL];
    if (source === 'upstox') return [this.config.UPSTOX_INSTRUMENTS_URL];
    const ids = await this.db.sql.rows<{ id: string }>(
      `SELECT id FROM broker_accounts WHERE kind = 'openalgo' AND NOT disabled ORDER BY created_at, id`,
    );
    const urls: string[] = [];
    for (const { id } of ids) {
      const account = await this.accounts.forExecution(id);
      const host = account?.credentials.host;
      const apiKey = account?.credentials.apiKey;
      if (!host || !apiKey) continue;
      const url = new URL('api/v1/instruments', host.endsWith('/') ? host : `${host}/`);
      url.searchParams.set('apikey', apiKey);
      url.searchParams.set('format', 'csv');
      urls.push(url.toString());
    }
    return urls;
  }
}
