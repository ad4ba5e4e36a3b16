import { type Stack, Validations } from 'aws-cdk-lib';

/**
 * cdk-nag findings accepted for a whole stack, each with its reason (cdk-nag 3: `Validations.acknowledge`).
 * Resource-specific ones live next to their resource: record-bucket.ts (S1 on the access-log bucket),
 * failure-queues.ts (SQS3 on the DLQs), ingest-endpoint.ts (APIG4), grants.ts (IAM5 on exactly
 * `<bucket>/<prefix>*`, so any other wildcard still fails the synth).
 */
export function suppressAccepted(stack: Stack): void {
  Validations.of(stack).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'The functions target nodejs22.x on purpose: it is the runtime the bundles (esbuild target node22) are built and tested for. Moving to a newer runtime is a deliberate, tested upgrade, not drift.',
  });
  Validations.of(stack).acknowledge({
    id: 'AwsSolutions-KDS3',
    reason:
      'A customer-managed key is required: regulated users must be able to audit and revoke access to raw records in the stream. The cost (KMS calls per producer and consumer) is in docs/cost.md.',
  });
}
