/** Byte order of the UTF-8 encodings (DATA-CONTRACT "file path order"); JS `<` compares UTF-16 units instead. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
