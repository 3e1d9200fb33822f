/**
 * The `vatp-audit` command: a composition root. It parses arguments, opens the AWS clients (the embedded local stack
 * when no AWS settings are present) and hands them to the same pipeline the Lambdas run.
 */
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { SEVERITIES } from '../contract/finding.js';
import { localInputDigests, openLocalPackReader } from '../evidence/localPackReader.js';
import { registerDemoCommand } from './demoCommand.js';
import { registerFindingsCommands } from './findingsCommands.js';
import { registerGenerateCommand } from './generateCommand.js';
import { registerReportCommand } from './reportCommand.js';
import { registerRunCommand } from './runCommand.js';
import { registerRunsCommands } from './runsCommands.js';
import { quietSdkNodeNotice } from './sdkNotice.js';
import { registerServeCommand } from './serveCommand.js';
import { closeCliServices, openCliServices } from './services.js';
import { registerVerifyCommand } from './verifyCommand.js';
import { TOOL_VERSION } from './version.js';

quietSdkNodeNotice();

const program = new Command('vatp-audit')
  .description('Audit and independent review for Hong Kong licensed virtual-asset trading platforms')
  .version(TOOL_VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const dataDir = resolve('.vatp-audit');
const services = () => openCliServices({ env: process.env, dataDir });
const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

registerRunCommand(program, { services, out, err, severities: SEVERITIES });
registerGenerateCommand(program, { out });
registerDemoCommand(program, { services, out, err, dataDir });
registerVerifyCommand(program, {
  // Local folders need no AWS clients: only s3:// locations start the embedded stack (or use AWS).
  openReader: async (uri) =>
    uri.startsWith('s3://') ? (await services()).openPackReader(uri) : openLocalPackReader(uri),
  openInputs: async (root) =>
    root.startsWith('s3://') ? (await services()).openInputDigests(root) : localInputDigests(root),
  out,
  err,
});
const openStore = async () => {
  const s = await services();
  return { store: await s.store(), close: () => s.close() };
};
registerFindingsCommands(program, { openStore, now: () => new Date(), out });
registerRunsCommands(program, { openStore, now: () => new Date(), out });
registerReportCommand(program, { services, out, err });
registerServeCommand(program, { services, dataDir, out, err });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; unusable arguments are exit 2 (OUTPUT.md).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    err(`vatp-audit: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
} finally {
  await closeCliServices().catch((error: unknown) =>
    err(`vatp-audit: closing the local stack failed: ${String(error)}`),
  );
}
