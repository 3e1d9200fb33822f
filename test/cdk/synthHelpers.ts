/** Synthesizes the stack for tests without bundling the Lambdas (~0.2 s) and cleans up the cloud assemblies. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { VatpAuditStack, type VatpAuditStackProps } from '../../cdk/vatpAuditStack.js';

const outdirs: string[] = [];

export function testApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk.out-test-'));
  outdirs.push(outdir);
  return new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
}

export function synthStack(props: VatpAuditStackProps = {}): { stack: VatpAuditStack; template: Template } {
  const app = testApp();
  const stack = new VatpAuditStack(app, 'VatpAudit', props);
  return { stack, template: Template.fromStack(stack) };
}

export function cleanupAssemblies(): void {
  for (const d of outdirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The CloudFormation value of a Fn::Join / Ref / GetAtt with every token replaced by `render`. */
export function resolveTokens(value: unknown, render: (token: Record<string, unknown>) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveTokens(v, render));
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => (typeof p === 'string' ? p : String(resolveTokens(p, render)))).join(sep);
    }
    if ('Ref' in o || 'Fn::GetAtt' in o) return render(o);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveTokens(v, render)]));
  }
  return value;
}

/** The logical id a Ref / GetAtt token names. */
export function tokenLogicalId(token: Record<string, unknown>): string {
  if ('Ref' in token) return String(token.Ref);
  const att = token['Fn::GetAtt'];
  return Array.isArray(att) ? String(att[0]) : String(att);
}
