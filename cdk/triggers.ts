/**
 * What starts an audit: a nightly EventBridge Scheduler schedule per venue (the previous day's dataset, in the
 * configured time zone), and a `_READY` marker object written under a dataset prefix of the raw bucket (S3 →
 * EventBridge → rule → StartExecution). Both deliver failures to a dead-letter queue. On-demand runs call
 * StartExecution directly (`vatp-audit run --remote`, shared/pipeline/partition/remoteRun.ts).
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The marker object that says a dataset prefix is complete. */
export const READY_MARKER = '_READY';

export interface NightlyScheduleOptions {
  venues: string[];
  /** IANA time zone of the schedule and of "the previous day"; default Asia/Hong_Kong. */
  timeZone?: string;
  hour?: number;
  minute?: number;
  enabled?: boolean;
}

export interface AuditTriggersProps {
  stateMachine: sfn.IStateMachine;
  rawBucket: s3.IBucket;
  deadLetterQueue: sqs.IQueue;
  nightly: NightlyScheduleOptions;
}

export class AuditTriggers extends Construct {
  readonly schedules: scheduler.Schedule[] = [];
  readonly readyRule: events.Rule;

  constructor(scope: Construct, id: string, props: AuditTriggersProps) {
    super(scope, id);
    const n = props.nightly;
    const timeZone = TimeZone.of(n.timeZone ?? 'Asia/Hong_Kong');
    for (const venue of n.venues) {
      this.schedules.push(
        new scheduler.Schedule(this, `Nightly-${venue}`, {
          description: `Nightly audit of ${venue}: the previous day's dataset in ${timeZone.timezoneName}`,
          schedule: scheduler.ScheduleExpression.cron({
            minute: String(n.minute ?? 30),
            hour: String(n.hour ?? 2),
            timeZone,
          }),
          enabled: n.enabled ?? true,
          target: new schedulerTargets.StepFunctionsStartExecution(props.stateMachine, {
            input: scheduler.ScheduleTargetInput.fromObject({
              trigger: 'schedule',
              venue,
              scheduled_time: scheduler.ContextAttribute.scheduledTime,
              time_zone: timeZone.timezoneName,
            }),
            deadLetterQueue: props.deadLetterQueue,
            retryAttempts: 3,
            maxEventAge: Duration.hours(6),
          }),
        }),
      );
    }

    this.readyRule = new events.Rule(this, 'ReadyMarker', {
      description: `Starts an audit when ${READY_MARKER} is written under a dataset prefix of the raw bucket`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.rawBucket.bucketName] },
          object: { key: [{ wildcard: `*/${READY_MARKER}` }] },
        },
      },
    });
    this.readyRule.addTarget(
      new eventTargets.SfnStateMachine(props.stateMachine, {
        input: events.RuleTargetInput.fromObject({
          trigger: 'ready-marker',
          bucket: events.EventField.fromPath('$.detail.bucket.name'),
          key: events.EventField.fromPath('$.detail.object.key'),
        }),
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    );
  }
}
