/**
 * The audit as a Step Functions state machine:
 *
 *   Plan → Ingest → Audit ( Distributed Map over partitions: AuditPartition ‖ Ledger ) → Aggregate → Report → Store
 *
 * Inside the map, AuditPartition runs until the partition is done or its invocation nears the Lambda deadline; then it
 * writes a checkpoint (book and rule state) to the work bucket and returns `done: false`, and PartitionDone? sends the
 * item back to AuditPartition with the next slice number: a partition is split by time, never cut short.
 *
 * Every task is a Lambda invoked with the state as payload (payloadResponseOnly: the function's result is the next
 * state), so the same definition runs locally with aws-local-stepfunctions, each task bound to its handler. The state
 * stays small (a run reference and the partition numbers); everything bulky lives in the work bucket. Any failure goes
 * to RecordFailure (marks the run failed in the findings store) and ends the execution as failed, which the alarms see.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/** State names; the local execution binds handlers by these names. */
export const STATE_NAMES = {
  plan: 'Plan',
  ingest: 'Ingest',
  audit: 'Audit',
  partitions: 'AuditPartitions',
  partition: 'AuditPartition',
  partitionDone: 'PartitionDone?',
  partitionAudited: 'PartitionAudited',
  ledger: 'Ledger',
  aggregate: 'Aggregate',
  report: 'Report',
  store: 'Store',
  recordFailure: 'RecordFailure',
  failed: 'RunFailed',
  done: 'Done',
} as const;

export type StepName = 'plan' | 'ingest' | 'partition' | 'ledger' | 'aggregate' | 'report' | 'store' | 'recordFailure';

export interface AuditStateMachineProps {
  functions: Record<StepName, lambda.IFunction>;
  /** Partitions audited at once by the Distributed Map. */
  maxConcurrency: number;
  logRetention: logs.RetentionDays;
  /** The whole execution's limit. */
  timeout: Duration;
}

export class AuditStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditStateMachineProps) {
    super(scope, id);
    const fns = props.functions;

    const failed = new sfn.Fail(this, STATE_NAMES.failed, {
      error: 'AuditRunFailed',
      causePath: '$.error.Cause',
    });
    const recordFailure = invoke(this, STATE_NAMES.recordFailure, fns.recordFailure).next(failed);
    const guard = <T extends sfn.TaskStateBase | sfn.Parallel>(state: T): T => {
      state.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
      return state;
    };

    const plan = guard(invoke(this, STATE_NAMES.plan, fns.plan));
    const ingest = guard(invoke(this, STATE_NAMES.ingest, fns.ingest));

    const partition = invoke(this, STATE_NAMES.partition, fns.partition);
    const partitions = new StrictDistributedMap(this, STATE_NAMES.partitions, {
      itemsPath: '$.partitions',
      itemSelector: {
        'run.$': '$.run',
        'partition.$': '$$.Map.Item.Value.partition',
      },
      maxConcurrency: props.maxConcurrency,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      resultPath: sfn.JsonPath.DISCARD,
    });
    const partitionDone = new sfn.Choice(this, STATE_NAMES.partitionDone)
      .when(sfn.Condition.booleanEquals('$.done', false), partition)
      .otherwise(new sfn.Succeed(this, STATE_NAMES.partitionAudited));
    partitions.itemProcessor(partition.next(partitionDone));

    const ledger = invoke(this, STATE_NAMES.ledger, fns.ledger);
    const audit = guard(
      new sfn.Parallel(this, STATE_NAMES.audit, {
        comment: 'Order-flow partitions and the collateral ledger are independent until Aggregate.',
        resultPath: sfn.JsonPath.DISCARD,
      }),
    );
    audit.branch(partitions);
    audit.branch(ledger);

    const aggregate = guard(invoke(this, STATE_NAMES.aggregate, fns.aggregate));
    const report = guard(invoke(this, STATE_NAMES.report, fns.report));
    const store = guard(invoke(this, STATE_NAMES.store, fns.store));
    const done = new sfn.Succeed(this, STATE_NAMES.done);

    const definition = plan.next(ingest).next(audit).next(aggregate).next(report).next(store).next(done);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: props.timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
  }
}

/**
 * A Distributed Map that tolerates no failed item: one failed partition fails the run, since a partial audit must
 * never pass for a complete one. (0 is the service default, but CDK drops a falsy 0 from the rendered state; writing
 * it keeps the intent visible in the definition.)
 */
class StrictDistributedMap extends sfn.DistributedMap {
  override toStateJson(queryLanguage?: sfn.QueryLanguage): object {
    return { ...super.toStateJson(queryLanguage), ToleratedFailurePercentage: 0 };
  }
}

/** A Lambda task whose result replaces the state; Lambda service faults are retried, domain errors are not. */
function invoke(scope: Construct, name: string, fn: lambda.IFunction): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, name, {
    lambdaFunction: fn,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
  });
  task.addRetry({
    errors: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
      'Lambda.ClientExecutionTimeoutException',
    ],
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
  // Transient S3/DynamoDB throttling surfaces as these error names from the SDK (the handlers rethrow them).
  task.addRetry({
    errors: ['SlowDown', 'ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded'],
    interval: Duration.seconds(5),
    maxAttempts: 4,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}
