/**
 * Data-access log: operator staff (surveillance, risk, compliance, operations…) reading restricted client and
 * surveillance data; MM-entity staff reading only internal or public data; a few system jobs (no user). Network
 * addresses of the two entities never overlap in clean data.
 */
import type { Sim } from './context.js';
import type { StaffMember } from './model.js';
import type { Reference } from './reference.js';

const RESTRICTED = [
  'orders/client-book/BTC-USD',
  'orders/client-book/ETH-USD',
  'positions/clients',
  'surveillance/alerts',
  'surveillance/cases/2026-0211',
  'matching-engine/config',
  'reports/client positions, end of day',
  'alerts/"spoofing" queue',
];
const INTERNAL = ['risk/limits', 'ops/runbook', 'hr/rota', 'finance/fees/monthly'];
const MM_INTERNAL = ['mm/positions/MM-1', 'mm/positions/MM-2', 'mm/pnl/daily', 'mm/risk/limits'];
const PUBLIC = ['marketdata/public/BTC-USD', 'marketdata/public/ETH-USD', 'docs/fee-schedule', 'docs/api'];
const ACTIONS = ['read', 'read', 'read', 'query', 'export'];

export class AccessLog {
  private eventNo = 0;
  private injNo = 0;

  constructor(
    private readonly sim: Sim,
    private readonly ref: Reference,
  ) {}

  private write(
    user: string | null,
    resource: string,
    classification: 'restricted' | 'internal' | 'public',
    granted: boolean,
    ip: string | null,
    bad?: number,
  ): string {
    const id = `a-${++this.eventNo}`;
    this.sim.access(
      [
        this.sim.nextAccessSeq(),
        this.sim.ts(),
        id,
        user,
        resource,
        classification,
        this.sim.rng.pick(ACTIONS),
        granted,
        ip,
      ],
      bad,
    );
    return id;
  }

  /** One ordinary access event; `bad` makes it malformed (DQ-1). */
  step(bad?: number): void {
    const rng = this.sim.rng;
    const r = rng.next();
    if (r < 0.65 || bad !== undefined) {
      const s = rng.pick(this.ref.operatorStaff);
      const restricted = rng.chance(0.6);
      // A rare resource name with a line break: CSV must quote it and line numbers move on.
      const resource =
        bad === undefined && rng.chance(0.002)
          ? 'exports/quarterly\nsummary'
          : restricted
            ? rng.pick(RESTRICTED)
            : rng.pick(INTERNAL);
      this.write(s.user, resource, restricted ? 'restricted' : 'internal', rng.chance(0.96), s.ip, bad);
    } else if (r < 0.95) {
      const s = rng.pick(this.ref.mmStaff);
      const pub = rng.chance(0.5);
      this.write(
        s.user,
        pub ? rng.pick(PUBLIC) : rng.pick(MM_INTERNAL),
        pub ? 'public' : 'internal',
        rng.chance(0.97),
        s.ip,
      );
    } else {
      // System jobs carry no user: attributed to nobody (not FS-4, not FS-5), even on an MM host.
      const host = rng.chance(0.5) ? (rng.pick(this.ref.mmStaff) as StaffMember).ip : '10.30.0.5';
      this.write(null, rng.pick(RESTRICTED), 'restricted', true, host);
    }
  }

  /** FS-4: MM-entity staff reach restricted data; high when granted, low when refused. */
  injectFs4(granted: boolean): void {
    const rng = this.sim.rng;
    const s = rng.pick(this.ref.mmStaff);
    const id = this.write(s.user, rng.pick(RESTRICTED), 'restricted', granted, s.ip);
    this.sim.gt.add('FS-4', id, granted ? 'high' : 'low');
  }

  /** A fresh address shared by the two entities (FS-5). */
  sharedIp(): string {
    const k = ++this.injNo;
    return `10.99.${(k >> 8) & 255}.${k & 255}`;
  }

  /** FS-5 from the access log alone: MM staff and operator staff on one address. */
  injectFs5Access(): void {
    const rng = this.sim.rng;
    const ip = this.sharedIp();
    const mm = rng.pick(this.ref.mmStaff);
    this.write(mm.user, rng.pick(PUBLIC), 'public', true, ip);
    this.operatorOn(ip);
    this.sim.gt.add('FS-5', ip, 'medium');
  }

  /** Operator staff reading internal data from `ip` (the orders side of an FS-5 injection supplies the MM use). */
  operatorOn(ip: string): void {
    const rng = this.sim.rng;
    const op = rng.pick(this.ref.operatorStaff);
    this.write(op.user, rng.pick(INTERNAL), 'internal', true, ip);
  }

  injectDq1(): void {
    this.step(this.sim.rng.int(4));
  }
}
