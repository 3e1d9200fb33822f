/**
 * "File path order" of DATA-CONTRACT: the byte order of the UTF-8 paths. JavaScript compares strings by UTF-16 code
 * unit, which agrees with UTF-8 byte order except between a surrogate (a character above U+FFFF, UTF-8 F0..F4) and a
 * code unit in U+E000..U+FFFF (UTF-8 EE..EF): there the surrogate sorts last in byte order.
 */
export function comparePathBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && (xs ? y >= 0xe000 : x >= 0xe000)) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
