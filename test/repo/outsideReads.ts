/**
 * Finds the paths in a source file that point outside the repository, so that a clone needs nothing beside it.
 * Read with the TypeScript parser (string literals, not comments):
 * - a relative literal (`./…`, `../…`) resolved against the file's folder — imports, `new URL(…, import.meta.url)`,
 *   `resolve(__dirname, '../…')` — and, as the first argument of a file-system call, also against the repository
 *   root (the working directory of the tests);
 * - `resolve(base, '…', '…')` / `join(base, …)` where the base is `__dirname`, `import.meta.dirname`, `new URL(…,
 *   import.meta.url)` or a constant defined so in the same file (`const ROOT = resolve(__dirname, '../..')`): the
 *   leading literal segments are applied, so `resolve(__dirname, '..', '..', '..')` is caught too;
 * - any literal naming `shared/spec`, the specification folder that sits beside the repository in CI.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface OutsidePath {
  line: number;
  /** The source text of the expression. */
  text: string;
  why: string;
}

/** File-system calls whose first argument, when relative, is read against the working directory. */
const FS_CALLS = new Set([
  'readFile',
  'readFileSync',
  'createReadStream',
  'open',
  'openSync',
  'readdir',
  'readdirSync',
  'stat',
  'statSync',
  'existsSync',
  'access',
  'cp',
  'copyFile',
]);

const PATH_CALLS = new Set(['resolve', 'join']);

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function isRelativeLiteral(s: string): boolean {
  return s.startsWith('./') || s.startsWith('../') || s === '..';
}

/** The called function's own name: `resolve` for `resolve(…)` and `path.resolve(…)`. */
function calleeName(call: ts.CallExpression): string | undefined {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined;
}

function isImportMeta(node: ts.Node, property: string): boolean {
  return (
    ts.isPropertyAccessExpression(node) &&
    node.name.text === property &&
    ts.isMetaProperty(node.expression) &&
    node.expression.keywordToken === ts.SyntaxKind.ImportKeyword
  );
}

export function pathsOutsideRoot(source: string, file: string, root: string): OutsidePath[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const here = dirname(file);
  const constants = new Map<string, string>();
  const out: OutsidePath[] = [];
  const report = (node: ts.Node, why: string) => {
    out.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.getText(sf), why });
  };

  /** The absolute folder or file an expression names, when it can be known from the source alone. */
  const evaluate = (node: ts.Expression): string | undefined => {
    if (ts.isParenthesizedExpression(node)) return evaluate(node.expression);
    if (ts.isIdentifier(node)) return node.text === '__dirname' ? here : constants.get(node.text);
    if (isImportMeta(node, 'dirname')) return here;
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
      const [spec, base] = node.arguments ?? [];
      const text = spec === undefined ? undefined : literalText(spec);
      if (text !== undefined && base !== undefined && isImportMeta(base, 'url')) return resolve(here, text);
      return undefined;
    }
    if (!ts.isCallExpression(node)) return undefined;
    const name = calleeName(node);
    const [first] = node.arguments;
    if (first === undefined) return undefined;
    if (name === 'fileURLToPath' || name === 'dirname') {
      const inner = evaluate(first);
      return inner === undefined ? undefined : name === 'dirname' ? dirname(inner) : inner;
    }
    if (name === undefined || !PATH_CALLS.has(name)) return undefined;
    const base = evaluate(first);
    if (base === undefined) return undefined;
    const segments: string[] = [];
    for (const arg of node.arguments.slice(1)) {
      const text = literalText(arg);
      if (text === undefined) return undefined;
      segments.push(text);
    }
    return resolve(base, ...segments);
  };

  /** resolve/join with a known base: the base with the literal segments that follow it, up to the first other one. */
  const leadingPath = (call: ts.CallExpression): string | undefined => {
    const [first, ...rest] = call.arguments;
    const base = first === undefined ? undefined : evaluate(first);
    if (base === undefined) return undefined;
    const segments: string[] = [];
    for (const arg of rest) {
      const text = literalText(arg);
      if (text === undefined) break;
      segments.push(text);
    }
    return resolve(base, ...segments);
  };

  const visit = (node: ts.Node): void => {
    const text = literalText(node) ?? (ts.isTemplateExpression(node) ? node.head.text : undefined);
    if (text !== undefined) {
      if (text.includes('shared/spec'))
        report(node, 'names shared/spec, the specification folder outside the repository');
      else if (isRelativeLiteral(text) && !isInside(resolve(here, text), root)) {
        report(node, `resolves to ${resolve(here, text)}, outside the repository`);
      }
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      const value = evaluate(node.initializer);
      if (value !== undefined) constants.set(node.name.text, value);
    }
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      if (name !== undefined && PATH_CALLS.has(name)) {
        const path = leadingPath(node);
        if (path !== undefined && !isInside(path, root)) report(node, `resolves to ${path}, outside the repository`);
      }
      const first = node.arguments[0];
      const firstText = first === undefined ? undefined : literalText(first);
      if (name !== undefined && FS_CALLS.has(name) && firstText !== undefined && isRelativeLiteral(firstText)) {
        const fromCwd = resolve(root, firstText);
        if (!isInside(fromCwd, root))
          report(node, `reads ${fromCwd} (from the working directory), outside the repository`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
