/**
 * One step's Lambda: a NodejsFunction bundled by the local esbuild (no Docker), ARM64, nodejs22.x, ESM, with explicit
 * memory and timeout, its own log group with a retention, X-Ray tracing and Powertools logger settings. The bundle
 * carries the report fonts and pdfkit's standard-font metrics, which are read from disk next to the bundle.
 */
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** ESM bundles have no require/__dirname; CommonJS dependencies (pdfkit) need both. */
const ESM_BANNER = [
  "import { createRequire as __vatpCreateRequire } from 'node:module';",
  "import { fileURLToPath as __vatpFileURLToPath } from 'node:url';",
  "import { dirname as __vatpDirname } from 'node:path';",
  'const require = __vatpCreateRequire(import.meta.url);',
  'const __filename = __vatpFileURLToPath(import.meta.url);',
  'const __dirname = __vatpDirname(__filename);',
].join(' ');

const PDFKIT_IMPORTS = JSON.stringify({ imports: { '#standard-fonts/*': './standard-fonts/*.cjs' } });

export interface AuditFunctionProps {
  /** File name under lambdas/, e.g. `plan.ts`. */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  /** Ephemeral /tmp size (the external sort spills there). */
  ephemeralStorageMiB?: number;
}

export class AuditFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: fileURLToPath(new URL(`../lambdas/${props.entry}`, import.meta.url)),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ephemeralStorageSize:
        props.ephemeralStorageMiB !== undefined ? Size.mebibytes(props.ephemeralStorageMiB) : undefined,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'vatp-audit',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Lambdas always talk to AWS, never to an embedded stack.
        VATP_AUDIT_STACK: 'aws',
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        sourceMap: true,
        minify: false,
        banner: ESM_BANNER,
        forceDockerBundling: false,
        // Bundle the SDK too: the versions this code is tested with, not whichever the runtime ships.
        externalModules: [],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The report fonts (renderPdf looks in ./fonts/ next to the bundle), and pdfkit's standard-font metrics,
          // which pdfkit 0.20 loads at run time with require('#standard-fonts/…'): a package.json beside the bundle
          // maps that subpath import to the copied files.
          afterBundling: (inputDir: string, outputDir: string) => [
            `mkdir -p "${outputDir}/fonts"`,
            `cp "${inputDir}/templates/fonts/"*.ttf "${outputDir}/fonts/"`,
            `cp -R "${inputDir}/node_modules/pdfkit/js/standard-fonts" "${outputDir}/standard-fonts"`,
            `printf '%s' '${PDFKIT_IMPORTS}' > "${outputDir}/package.json"`,
          ],
        },
      },
    });
  }
}
