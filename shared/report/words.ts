/** Counted nouns in text meant for people: "1 run", "2 runs", "1 trade examined". */

/** `n` and the noun in the number it takes; `many` defaults to `one` + "s"; `format` writes the number. */
export function plural(n: number, one: string, many = `${one}s`, format: (n: number) => string = String): string {
  return `${format(n)} ${n === 1 ? one : many}`;
}
