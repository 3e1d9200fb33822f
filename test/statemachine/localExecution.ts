/**
 * Runs the deployed state machine's own definition locally: the stack is synthesized (no bundling), the definition is
 * taken from the template, and aws-local-stepfunctions executes it with every Lambda task bound to the real handler
 * (the same `create(services)` the Lambda entry points use), against the embedded S3 and DynamoDB.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { StateMachine } from 'aws-local-stepfunctions';

type JSONValue = Parameters<StateMachine['run']>[0];

import { STATE_NAMES, type StepName } from '../../cdk/auditStateMachine.js';
import { aggregate } from '../../lambdas/aggregate.js';
import { ingest } from '../../lambdas/ingest.js';
import { ledger } from '../../lambdas/ledger.js';
import { partition } from '../../lambdas/partition.js';
import { plan } from '../../lambdas/plan.js';
import { failure } from '../../lambdas/recordFailure.js';
import { report } from '../../lambdas/report.js';
import {
  createServices,
  type LambdaConfig,
  type LambdaServices,
  type ServiceOverrides,
} from '../../lambdas/runtime.js';
import { store } from '../../lambdas/store.js';
import { resolveTokens, synthStack, tokenLogicalId } from '../cdk/synthHelpers.js';

// aws-local-stepfunctions 3 calls Promise.withResolvers (Node ≥ 22, the Lambda runtime); the tests run on Node 20.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the Amazon States Language definition as JSON
type Definition = any;

let cached: Definition | undefined;

/** The state machine definition exactly as the template holds it, with Lambda ARNs named by logical id. */
export function stateMachineDefinition(): Definition {
  if (cached !== undefined) return cached;
  const { template } = synthStack();
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  const [sm] = Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  const text = resolveTokens(
    sm!.Properties.DefinitionString,
    (t) => `arn:aws:lambda:us-east-1:123456789012:function:${tokenLogicalId(t)}`,
  ) as string;
  cached = JSON.parse(text);
  return cached;
}

/** Names of the Task states, by the step they run. */
const TASKS: Record<StepName, string> = {
  plan: STATE_NAMES.plan,
  ingest: STATE_NAMES.ingest,
  partition: STATE_NAMES.partition,
  ledger: STATE_NAMES.ledger,
  aggregate: STATE_NAMES.aggregate,
  report: STATE_NAMES.report,
  store: STATE_NAMES.store,
  recordFailure: STATE_NAMES.recordFailure,
};

const HANDLERS: Record<StepName, { create: (s: LambdaServices) => (input: never) => Promise<unknown> }> = {
  plan,
  ingest,
  partition,
  ledger,
  aggregate,
  report,
  store,
  recordFailure: failure,
};

export interface LocalRun {
  output: unknown;
  /** Task states entered, in order (Map iterations included). */
  states: string[];
}

export async function executeLocally(
  input: unknown,
  services: ServiceOverrides & { config: LambdaConfig },
  overrides: Partial<Record<StepName, (input: unknown) => Promise<unknown>>> = {},
): Promise<LocalRun> {
  const s = createServices({ logger: new Logger({ logLevel: 'SILENT' }), ...services });
  type TaskHandler = (input: JSONValue) => Promise<JSONValue>;
  const handlers: Record<string, TaskHandler> = {};
  for (const [step, name] of Object.entries(TASKS) as [StepName, string][]) {
    const h = overrides[step] ?? HANDLERS[step].create(s);
    handlers[name] = h as unknown as TaskHandler;
  }
  const machine = new StateMachine(stateMachineDefinition(), { validationOptions: { noValidate: true } });
  const execution = machine.run(input as JSONValue, {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: {} },
  });
  const states: string[] = [];
  const events = (async () => {
    for await (const e of execution.eventLogs) {
      if (e.type === 'StateEntered' && e.state.type === 'Task') states.push(e.state.name);
    }
  })();
  const output = await execution.result;
  await events.catch(() => undefined);
  return { output, states };
}
