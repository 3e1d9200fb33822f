/**
 * Operations: an alarm for every way an audit can fail without anyone asking — a failed, timed-out or aborted
 * execution, a Lambda error, a trigger that could not start an execution (dead-letter queue not empty). All go to one
 * KMS-encrypted SNS topic (subscribe an address with the stack's `alarmEmail` prop).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface AuditAlarmsProps {
  stateMachine: sfn.StateMachine;
  functions: Record<string, lambda.IFunction>;
  deadLetterQueue: sqs.IQueue;
  topicKey: kms.IKey;
  alarmEmail?: string;
}

export class AuditAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AuditAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'vatp-audit alarms',
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    // CloudWatch publishes to the encrypted topic, so it needs the key.
    props.topicKey.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    if (props.alarmEmail !== undefined)
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new actions.SnsAction(this.topic);

    const sm = props.stateMachine;
    const add = (name: string, metric: cloudwatch.IMetric, description: string) => {
      const alarm = new cloudwatch.Alarm(this, name, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };
    const period = Duration.minutes(5);
    add('ExecutionsFailed', sm.metricFailed({ period }), 'An audit execution failed: its run is marked failed.');
    add('ExecutionsTimedOut', sm.metricTimedOut({ period }), 'An audit execution timed out.');
    add('ExecutionsAborted', sm.metricAborted({ period }), 'An audit execution was aborted.');
    for (const [name, fn] of Object.entries(props.functions)) {
      add(`${name}Errors`, fn.metricErrors({ period }), `The ${name} Lambda reported errors.`);
    }
    add(
      'TriggerDeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period }),
      'A schedule or _READY marker could not start an audit execution (see the dead-letter queue).',
    );
  }
}
