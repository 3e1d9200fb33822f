/**
 * A check's result in one word, from its population and findings: the one decision the summary and the report both
 * print (summary.json in these words; the PDF says "no exceptions, partly not tested" for `partially tested`).
 */
export type CheckStatus = 'exceptions' | 'no exceptions' | 'partially tested' | 'not tested';

export function checkStatus(c: { findings: number; examined: number; notTested: number }): CheckStatus {
  if (c.findings > 0) return 'exceptions';
  // Nothing examined is never a pass, whether or not something was set aside as not tested.
  if (c.examined === 0) return 'not tested';
  return c.notTested > 0 ? 'partially tested' : 'no exceptions';
}
