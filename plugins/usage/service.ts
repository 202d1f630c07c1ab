/**
 * The ledger service: turns each model response into a record (cost from the price table),
 * appends it, keeps lifetime totals per model for /metrics, and answers summaries from the file
 * (the CLI reads the same file, so both agree).
 */
import type { Logger, ModelResponse } from '../../sdk/core/index.ts';
import { addRecord, costOf, emptyTotals, findPrice, summarizeUsage, type PriceTable, type UsageRecord, type UsageService, type UsageTotals } from '../../sdk/usage/index.ts';
import { LedgerWriter, readLedger } from './ledger.ts';

export interface UsageLedgerService extends UsageService {
  /**
   * Records one model call: counted and written at once, fsynced in the background. Failures
   * are logged, never thrown into the run.
   */
  record(response: ModelResponse, at?: number): Promise<UsageRecord | undefined>;
  /** Resolves once every record so far is written and fsynced (budgets wait for it before a model call). */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

/** `replay` sees every record of the ledger once, at start (budgets rebuild their counters). */
export async function createUsageService(file: string, prices: PriceTable, log: Logger, replay?: (record: UsageRecord) => void): Promise<UsageLedgerService> {
  const { records, skipped } = await readLedger(file);
  if (skipped > 0) log.warn({ file, skipped }, 'usage ledger: lines that are not whole records were skipped (a crash mid-write leaves a torn last line)');
  const totals = new Map<string, UsageTotals>();
  const add = (record: UsageRecord) => {
    let entry = totals.get(record.model);
    if (entry === undefined) totals.set(record.model, (entry = emptyTotals()));
    addRecord(entry, record);
  };
  records.forEach(add);
  if (replay !== undefined) records.forEach(replay);
  const writer = new LedgerWriter(file, (error) => log.error({ err: error, file }, 'usage: the ledger could not be fsynced; its last records may not survive a power loss'));
  const warned = new Set<string>();

  return {
    async record(response, at = Date.now()) {
      if (response.usage === undefined) return undefined;
      const price = findPrice(prices, response.model);
      if (price === undefined && !warned.has(response.model)) {
        warned.add(response.model);
        log.warn({ model: response.model }, 'usage: no price for this model; its tokens are counted, its cost is not (add it under the usage plugin\'s `prices` option)');
      }
      const tokens = { input: response.usage.input, output: response.usage.output, cached: response.usage.cached ?? 0 };
      const record: UsageRecord = {
        at,
        runId: response.runId,
        agentId: response.agentId ?? 'unknown',
        sessionKey: response.sessionKey ?? 'unknown',
        model: response.model,
        ...tokens,
        costUsd: price === undefined ? null : costOf(price, tokens),
      };
      add(record);
      // Written at once (it survives a SIGKILL from here on); the fsync runs in the background
      // and readers (summaries, budgets before the next model call) wait for it.
      try {
        writer.append(record);
      } catch (error) {
        log.error({ err: error, model: record.model, runId: record.runId }, 'usage: could not append to the ledger; this call is counted in memory only');
      }
      return record;
    },
    async summary(query = {}) {
      await writer.flushed();
      return summarizeUsage((await readLedger(file)).records, query);
    },
    flushed: () => writer.flushed(),
    totalsByModel: () => new Map([...totals].map(([model, entry]) => [model, { ...entry }])),
    priceOf: (model) => findPrice(prices, model),
    close: () => writer.close(),
  };
}
