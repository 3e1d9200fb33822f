/** A k-way merge of streams that are each sorted by a unique integer ordinal (`i`), with a small binary heap. */

interface Head<T> {
  item: T;
  it: AsyncIterator<T>;
}

export async function* mergeByOrdinal<T extends { i: number }>(streams: readonly AsyncIterable<T>[]): AsyncIterable<T> {
  const heap: Head<T>[] = [];
  const less = (a: Head<T>, b: Head<T>) => a.item.i < b.item.i;
  const push = (h: Head<T>) => {
    heap.push(h);
    let c = heap.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!less(heap[c]!, heap[p]!)) break;
      [heap[c], heap[p]] = [heap[p]!, heap[c]!];
      c = p;
    }
  };
  const pop = (): Head<T> => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let p = 0;
      for (;;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === p) break;
        [heap[m], heap[p]] = [heap[p]!, heap[m]!];
        p = m;
      }
    }
    return top;
  };
  for (const s of streams) {
    const it = s[Symbol.asyncIterator]();
    const n = await it.next();
    if (!n.done) push({ item: n.value, it });
  }
  let last = -1;
  while (heap.length > 0) {
    const h = pop();
    if (h.item.i <= last) throw new Error(`merge input out of order: ordinal ${h.item.i} after ${last}`);
    last = h.item.i;
    yield h.item;
    const n = await h.it.next();
    if (!n.done) push({ item: n.value, it: h.it });
  }
}
