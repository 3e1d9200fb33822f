/**
 * Layers point down (docs/architecture.md): every folder of shared/, and lambdas/, cdk/ and templates/, has a place in
 * LAYERS, and a module imports only from its own folder or a folder of a lower layer (type-only imports included: a
 * type is a dependency too). A folder that is not in LAYERS fails the test, so a new folder is placed deliberately.
 * The domain layers are pure: nothing they import, directly or through other modules (type-only imports aside), reads
 * files, calls the AWS SDK, reads the environment or the clock; those are injected by the layers above.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SCANNED = ['shared', 'lambdas', 'cdk', 'templates'];

/**
 * Bottom to top. A module may import from its own folder and from folders of lower layers; folders of one layer may not
 * import each other unless the layer is `coupled`. `shared` stands for files directly in shared/ (the base error).
 */
const LAYERS: { folders: string[]; coupled?: boolean; pure?: boolean }[] = [
  { folders: ['shared', 'types'] },
  { folders: ['contract'], pure: true },
  { folders: ['config'] },
  { folders: ['ingest'] },
  { folders: ['ordering'] },
  { folders: ['reference'], pure: true },
  { folders: ['replay', 'collateral', 'margin', 'sharedbook'], pure: true },
  { folders: ['checks'], pure: true },
  { folders: ['audit'], pure: true },
  { folders: ['findings'], pure: true },
  { folders: ['evidence'] },
  { folders: ['adapters'] },
  { folders: ['local'] },
  { folders: ['store'] },
  // The report model and its PDF layout are one layer (renderPdf lays the model out with the templates); the period
  // report is built from stored findings and runs.
  { folders: ['report', 'templates'], coupled: true },
  { folders: ['pipeline'] },
  { folders: ['generator'] },
  // The workbench app: the command line (serve) and its Lambda compose it, each with its own sign-in.
  { folders: ['web'] },
  { folders: ['cli', 'lambdas', 'cdk'] },
  { folders: ['bench'] },
];

/** Files outside the scanned folders that a module may import. */
const PROJECT_FILES = new Set(['package.json']);

/** What a pure module must not reach: file system, AWS SDK, environment, clock. */
const IMPURE_MODULES = [/^(node:)?fs(\/promises)?$/, /^@aws-sdk\//];

interface ModuleImport {
  specifier: string;
  typeOnly: boolean;
  /** Resolved project path (relative to ROOT, `/`-separated), or undefined for a package. */
  target: string | undefined;
}

interface ModuleInfo {
  path: string;
  folder: string;
  imports: ModuleImport[];
  /** Environment or clock reads in the module itself. */
  impureReads: string[];
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const abs = join(dir, name);
    if (statSync(abs).isDirectory()) out.push(...listTs(abs));
    else if (name.endsWith('.ts')) out.push(abs);
  }
  return out;
}

/** The layer folder of a project path: shared/<folder>/…, `shared` for a file directly in shared/, else the top folder. */
function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'shared') return parts.length > 2 ? parts[1]! : 'shared';
  return parts[0]!;
}

function resolveSpecifier(from: string, specifier: string): string | undefined {
  let abs: string;
  if (specifier.startsWith('.')) abs = resolve(dirname(join(ROOT, from)), specifier);
  else if (specifier.startsWith('#shared/')) abs = join(ROOT, 'shared', specifier.slice('#shared/'.length));
  else return undefined;
  return relative(ROOT, abs).split(sep).join('/').replace(/\.js$/, '.ts');
}

function parseModule(path: string): ModuleInfo {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const imports: ModuleImport[] = [];
  const impureReads: string[] = [];
  const add = (specifier: string, typeOnly: boolean) =>
    imports.push({ specifier, typeOnly, target: resolveSpecifier(path, specifier) });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, allTypes);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const lit = node.argument.literal;
      if (ts.isStringLiteral(lit)) add(lit.text, true);
    } else if (ts.isPropertyAccessExpression(node)) {
      const text = node.getText(file);
      if (text === 'process.env') impureReads.push('process.env');
      if (text === 'Date.now' || text === 'performance.now') impureReads.push(text);
    } else if (ts.isNewExpression(node) && node.expression.getText(file) === 'Date' && !node.arguments?.length) {
      impureReads.push('new Date()');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { path, folder: folderOf(path), imports, impureReads };
}

const modules = new Map<string, ModuleInfo>();
for (const top of SCANNED) {
  for (const abs of listTs(join(ROOT, top))) {
    const path = relative(ROOT, abs).split(sep).join('/');
    modules.set(path, parseModule(path));
  }
}

const layerOf = new Map<string, number>();
LAYERS.forEach((l, i) => {
  for (const f of l.folders) layerOf.set(f, i);
});

describe('layers', () => {
  it('every folder with TypeScript has a layer', () => {
    const unknown = [...new Set([...modules.values()].map((m) => m.folder))].filter((f) => !layerOf.has(f));
    expect(
      unknown,
      'place these folders in LAYERS (test/architecture/layers.test.ts) and docs/architecture.md',
    ).toEqual([]);
  });

  it('imports point down (or stay in their folder)', () => {
    const offending: string[] = [];
    for (const m of modules.values()) {
      const from = layerOf.get(m.folder);
      if (from === undefined) continue;
      for (const imp of m.imports) {
        if (imp.target === undefined) continue;
        if (!SCANNED.includes(imp.target.split('/')[0]!)) {
          if (!PROJECT_FILES.has(imp.target))
            offending.push(`${m.path}: ${imp.specifier} is outside the project folders`);
          continue;
        }
        const folder = folderOf(imp.target);
        if (folder === m.folder) continue;
        const to = layerOf.get(folder);
        const coupled = to === from && LAYERS[from]!.coupled === true;
        if (to === undefined || to > from || (to === from && !coupled)) {
          offending.push(
            `${m.path} (${m.folder}, layer ${from}) imports ${imp.specifier} (${folder}, layer ${to ?? 'unknown'})`,
          );
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('the pure layers reach no file system, AWS SDK, environment or clock, directly or through their imports', () => {
    const verdicts = new Map<string, string | null>();
    /** Why a module is impure (the chain of imports to the culprit), or null. */
    const why = (path: string, seen: Set<string>): string | null => {
      if (verdicts.has(path)) return verdicts.get(path)!;
      if (seen.has(path)) return null;
      seen.add(path);
      const m = modules.get(path);
      let verdict: string | null = null;
      if (m !== undefined) {
        if (m.impureReads.length > 0) verdict = `${path} reads ${m.impureReads.join(', ')}`;
        for (const imp of m.imports) {
          if (verdict !== null || imp.typeOnly) continue;
          if (imp.target === undefined) {
            if (IMPURE_MODULES.some((re) => re.test(imp.specifier))) verdict = `${path} imports ${imp.specifier}`;
          } else {
            const inner = why(imp.target, seen);
            if (inner !== null) verdict = `${path} → ${inner}`;
          }
        }
      }
      verdicts.set(path, verdict);
      return verdict;
    };
    const impure: string[] = [];
    for (const m of modules.values()) {
      const layer = layerOf.get(m.folder);
      if (layer === undefined || LAYERS[layer]!.pure !== true) continue;
      const verdict = why(m.path, new Set());
      if (verdict !== null) impure.push(verdict);
    }
    expect(impure).toEqual([]);
  });
});
