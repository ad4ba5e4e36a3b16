/** S3 bucket names are at most 63 characters: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
export const MAX_BUCKET_NAME_LENGTH = 63;

/** The account placeholder of the local stack, whose bucket lives in an emulator and needs no global uniqueness. */
export const LOCAL_ACCOUNT = 'local';

/**
 * The regional record bucket's name. S3 names are global across all accounts: the account id and AWS region keep
 * two deployments of the same config apart. `account` may be a CDK token (resolved at deploy time).
 */
export function bucketName(project: string, region: string, account: string, awsRegion: string): string {
  return `${project}-${region}-${account}-${awsRegion}`;
}
