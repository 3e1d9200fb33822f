/**
 * The `vatp-audit` command: a composition root. It parses arguments, opens the AWS clients (the embedded local stack
 * when no AWS settings are present, with its data in the data home) and hands them to the same pipeline the Lambdas
 * run. Commands throw; the error that ends one becomes its exit code and one line here (exit.ts).
 */
import { type Command, Command as Program } from 'commander';
import { TOOL_VERSION } from '../config/version.js';
import { SEVERITIES } from '../contract/finding.js';
import { localInputDigests, openLocalPackReader } from '../evidence/localPackReader.js';
import { DATA_HOME_VARIABLE, dataHome } from '../local/dataHome.js';
import { registerDemoCommand } from './demoCommand.js';
import { DEBUG_VARIABLE, debugEnabled, oneLine, reportCommandError } from './exit.js';
import { registerFindingsCommands } from './findingsCommands.js';
import { registerGenerateCommand } from './generateCommand.js';
import { lineWriter } from './lineWriter.js';
import { registerReportCommand } from './reportCommand.js';
import { registerRunCommand } from './runCommand.js';
import { registerRunsCommands } from './runsCommands.js';
import { quietSdkNodeNotice } from './sdkNotice.js';
import { registerServeCommand } from './serveCommand.js';
import { closeCliServices, openCliServices } from './services.js';
import { registerVerifyCommand } from './verifyCommand.js';

quietSdkNodeNotice();

const out = lineWriter(process.stdout);
const err = lineWriter(process.stderr);
const home = dataHome();

const program = new Program('vatp-audit')
  .description('Audit and independent review for Hong Kong licensed virtual-asset trading platforms')
  .version(TOOL_VERSION)
  .exitOverride()
  .configureOutput({ writeOut: (s) => out(s.replace(/\n$/, '')), writeErr: (s) => err(s.replace(/\n$/, '')) })
  .addHelpText(
    'after',
    [
      '',
      `Local data (embedded S3 and DynamoDB, signing key): ${home}`,
      `  set ${DATA_HOME_VARIABLE} to keep it elsewhere; it does not depend on the current folder.`,
      'Exit codes: 0 done, 1 failed, 2 unusable arguments, configuration or manifest, 3 --fail-on tripped.',
      `${DEBUG_VARIABLE}=1 prints the stack trace of an error.`,
    ].join('\n'),
  );

/** The command that is running, as typed ("findings list"), for the error line. */
let running = '';
program.hook('preAction', (_root, action) => {
  running = commandPath(action);
});

const services = () => openCliServices({ env: process.env, dataDir: home });

// Whatever escapes a command (an error thrown from a callback, a stray rejection) still ends with one line and exit 1.
const crash = (error: unknown) => {
  process.exitCode = reportCommandError(error, running, err, { debug: debugEnabled(process.env) }) || 1;
  process.exit();
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

registerRunCommand(program, { services, out, err, severities: SEVERITIES, dataHome: home });
registerGenerateCommand(program, { out });
registerDemoCommand(program, { services, out, err, dataHome: home });
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
registerReportCommand(program, { services, out, err, dataHome: home });
registerServeCommand(program, { services, dataHome: home, out, err });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportCommandError(error, running, err, { debug: debugEnabled(process.env) });
} finally {
  await closeCliServices().catch((error: unknown) => {
    err(`vatp-audit: closing the local stack failed: ${oneLine(error)}`);
    process.exitCode ||= 1;
  });
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null && c.parent !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
