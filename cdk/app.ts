/** The CDK app: `npx cdk synth` / `npx cdk deploy` (cdk.json runs this with tsx). cdk-nag AwsSolutions checks run on synth. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { VatpAuditStack } from './vatpAuditStack.js';

const app = new App();
new VatpAuditStack(app, 'VatpAudit', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'vatp-audit: audit pipeline for Hong Kong licensed virtual-asset trading platforms',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
