import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDataset } from '#shared/generator/index.js';
import { referenceAudit } from './referenceAudit.js';

const [out, seed, orders, rate, extra] = process.argv.slice(2);
await generateDataset({
  out: out!,
  seed: Number(seed),
  orders: Number(orders),
  violationRate: Number(rate),
  contract: 2,
  ...(extra ? JSON.parse(extra) : {}),
});
const gt = readFileSync(join(out!, 'ground-truth.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => {
    const e = JSON.parse(l);
    return `${e.check_id} ${e.subject} ${e.severity}`;
  });
const { findings, parsed, boundaries } = referenceAudit(out!);
console.log(boundaries);
const ra = findings.map((e) => `${e.check_id} ${e.subject} ${e.severity}`);
const g = new Set(gt),
  r = new Set(ra);
console.log('gt', gt.length, 'ref', ra.length, 'malformed', parsed.malformed.length);
for (const x of gt) if (!r.has(x)) console.log('only GT :', x);
for (const x of ra) if (!g.has(x)) console.log('only REF:', x);
