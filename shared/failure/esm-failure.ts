/**
 * The message Lambda sends to an SQS/SNS on-failure destination when a Kinesis batch exhausts its retries or
 * exceeds its maximum age. It carries metadata only; the records must be re-read from the stream before they
 * expire. https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export interface EsmFailureMessage {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetryAttemptsExhausted' | 'MaximumRecordAgeExceeded' | 'MaximumPayloadSizeExceeded' | string;
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}
