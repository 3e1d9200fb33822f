import { describe, expect, it } from 'vitest';
import { CHECKS, checkMeta, checksOf } from '#shared/checks/catalogue.js';
import { checkIdsOf, packFor } from '#shared/checks/pack.js';
import { DEFAULT_PARAMETERS } from '#shared/config/parameters.js';
import type { CollateralEvent } from '#shared/contract/records.js';
import { type Account, collateralEventSchema, type Wallet } from '#shared/contract/records.js';
import { FindingCollector } from '#shared/findings/collector.js';
import { COLLATERAL_RULES, collateralAudit, draw, events, pledge, reference, run } from './harness.js';

/** The collateral checks a contract-1 dataset runs (the harness's reference data is contract 1). */
const COLLATERAL_CHECK_IDS = checkIdsOf(packFor(1, COLLATERAL_RULES));

// The worked example (test/fixtures/worked-example), collateral part, verbatim.
const EXAMPLE_COLLATERAL = [
  '{"seq":1,"ts":"2026-02-12T02:00:00Z","event_id":"c-1","event":"pledge","account_id":"C-1","asset":"BTC","asset_class":"virtual_asset","qty":"2","from_wallet":"W-C1-FREE","to_wallet":"W-COLL-1","loan_id":"L-1","price":"97000","haircut":"0.6","amount":null,"counterparty":null}',
  '{"seq":2,"ts":"2026-02-12T02:00:05Z","event_id":"c-2","event":"loan_draw","account_id":"C-1","asset":null,"asset_class":null,"qty":null,"from_wallet":null,"to_wallet":null,"loan_id":"L-1","price":null,"haircut":null,"amount":"70000","counterparty":null}',
  '{"seq":3,"ts":"2026-02-12T03:00:00Z","event_id":"c-3","event":"transfer","account_id":null,"asset":"BTC","asset_class":"virtual_asset","qty":"1","from_wallet":"W-COLL-1","to_wallet":"W-HOUSE","loan_id":null,"price":null,"haircut":null,"amount":null,"counterparty":null}',
];
const EXAMPLE_WALLETS: Wallet[] = [
  { wallet_id: 'W-C1-FREE', owner_entity_id: 'E-C1', kind: 'client_free' },
  { wallet_id: 'W-COLL-1', owner_entity_id: 'E-OP', kind: 'client_collateral' },
  { wallet_id: 'W-HOUSE', owner_entity_id: 'E-OP', kind: 'house' },
];
const EXAMPLE_ACCOUNTS: Account[] = [
  {
    account_id: 'C-1',
    entity_id: 'E-C1',
    role: 'client',
    investor_class: 'professional',
    securities_margin_client: true,
  },
  { account_id: 'C-2', entity_id: 'E-C2', role: 'client', investor_class: 'retail', securities_margin_client: false },
  {
    account_id: 'MM-1',
    entity_id: 'E-MM',
    role: 'affiliated_mm',
    investor_class: null,
    securities_margin_client: false,
  },
];

describe('the collateral stream auditor', () => {
  it('worked example: NRH-1 critical on c-3 and nothing else (no MF-3: 70000 within 77600)', () => {
    const evs = EXAMPLE_COLLATERAL.map((line) => collateralEventSchema.parse(JSON.parse(line)));
    const r = run(evs, { ref: reference(EXAMPLE_WALLETS, EXAMPLE_ACCOUNTS) });
    expect(r.findings.map((f) => [f.check_id, f.subject, f.severity])).toEqual([['NRH-1', 'c-3', 'critical']]);
    expect(r.findings[0]?.evidence).toMatchObject({ event: { file: 'collateral/collateral.jsonl', line: 3 } });
    expect(r.sink.population('MF-3').examined).toBe(1);
    expect(r.sink.population('MF-4').examined).toBe(1);
    expect(r.sink.population('MF-1').examined).toBe(1);
    expect(r.sink.population('MF-2').examined).toBe(1);
    expect(r.sink.population('NRH-5').examined).toBe(1);
    expect(r.sink.population('NRH-1').examined).toBe(1);
  });

  it('reports every check it runs, with catalogue titles', () => {
    const r = run(
      events(pledge({ asset: 'WBTC', haircut: '0.1', to_wallet: 'W-HOUSE' }), draw('1', { account_id: 'C-2' })),
    );
    expect(r.findings.map((f) => f.check_id)).toEqual(['MF-1', 'MF-2', 'MF-3', 'MF-4', 'NRH-5']);
    for (const f of r.findings) expect(f.title).toBe(checkMeta(f.check_id).title);
    expect(r.rules.rules.flatMap((x) => x.checks)).toEqual([...COLLATERAL_CHECK_IDS]);
    // Every NRH and MF check of the catalogue reads the collateral ledger; a contract-1 dataset runs those of contract 1.
    const ledgerChecks = (checks: typeof CHECKS) =>
      checks.filter((c) => c.family === 'NRH' || c.family === 'MF').map((c) => c.id);
    expect(checkIdsOf(COLLATERAL_RULES)).toEqual(ledgerChecks(CHECKS));
    expect(COLLATERAL_CHECK_IDS).toEqual(ledgerChecks(checksOf(1)));
  });

  it('states an empty population for every check when the ledger is empty', () => {
    const r = run([]);
    for (const id of COLLATERAL_CHECK_IDS) {
      const pop = r.sink.population(id);
      expect(pop.examined).toBe(0);
      expect(Object.keys(pop.notTested)).toHaveLength(1);
    }
  });

  it('fails closed when the ledger cannot apply an event, and keeps going', () => {
    const sink = new FindingCollector();
    const { rules, auditor } = collateralAudit(reference(), DEFAULT_PARAMETERS, sink);
    const [good] = events(pledge());
    const broken = { ...good!, seq: 2, event_id: 'c-2', loan_id: null } as CollateralEvent;
    auditor.process({ rec: good!, file: 'collateral/a.jsonl', line: 1 });
    auditor.process({ rec: broken, file: 'collateral/a.jsonl', line: 2 });
    const [next] = events({ ...draw('1'), seq: 3, account_id: 'C-2' });
    auditor.process({ rec: next!, file: 'collateral/a.jsonl', line: 3 });
    rules.finish();
    rules.finish(); // idempotent
    const errors = sink.findings().filter((f) => f.subject === 'rule-error');
    expect(errors.map((f) => f.check_id).sort()).toEqual([...COLLATERAL_CHECK_IDS].sort());
    expect(errors[0]?.detail).toContain('collateral/a.jsonl:2');
    expect(
      sink
        .findings()
        .filter((f) => f.subject === 'c-3')
        .map((f) => f.check_id),
    ).toEqual(['MF-4']);
  });
});
