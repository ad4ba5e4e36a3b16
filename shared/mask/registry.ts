import type { DetectorName } from '../config/schema.ts';
import type { Detector } from './detector.ts';
import { anthropicKey } from './detectors/anthropic-key.ts';
import { atSvnr } from './detectors/at-svnr.ts';
import { authHeader } from './detectors/auth-header.ts';
import { awsAccessKey } from './detectors/aws-access-key.ts';
import { awsSecretKey } from './detectors/aws-secret-key.ts';
import { awsSecretKeyEncoded } from './detectors/aws-secret-key-encoded.ts';
import { azureSas } from './detectors/azure-sas.ts';
import { azureStorageKey } from './detectors/azure-storage-key.ts';
import { beNationalNumber } from './detectors/be-national-number.ts';
import { btcAddress } from './detectors/btc-address.ts';
import { caSin } from './detectors/ca-sin.ts';
import { card } from './detectors/card.ts';
import { connectionStringPassword } from './detectors/connection-string-password.ts';
import { deTaxId } from './detectors/de-tax-id.ts';
import { email } from './detectors/email.ts';
import { esDni } from './detectors/es-dni.ts';
import { esNie } from './detectors/es-nie.ts';
import { ethAddress } from './detectors/eth-address.ts';
import { fiHetu } from './detectors/fi-hetu.ts';
import { frNir } from './detectors/fr-nir.ts';
import { genericSecret } from './detectors/generic-secret.ts';
import { githubFineGrainedToken } from './detectors/github-fine-grained-token.ts';
import { githubToken } from './detectors/github-token.ts';
import { googleApiKey } from './detectors/google-api-key.ts';
import { iban } from './detectors/iban.ts';
import { iePps } from './detectors/ie-pps.ts';
import { imei } from './detectors/imei.ts';
import { ipv4 } from './detectors/ipv4.ts';
import { ipv6 } from './detectors/ipv6.ts';
import { itFiscalCode } from './detectors/it-fiscal-code.ts';
import { jwt } from './detectors/jwt.ts';
import { mac } from './detectors/mac.ts';
import { nlBsn } from './detectors/nl-bsn.ts';
import { npmToken } from './detectors/npm-token.ts';
import { openaiKey } from './detectors/openai-key.ts';
import { phone } from './detectors/phone.ts';
import { plPesel } from './detectors/pl-pesel.ts';
import { privateKey } from './detectors/private-key.ts';
import { sePersonnummer } from './detectors/se-personnummer.ts';
import { slackToken } from './detectors/slack-token.ts';
import { slackWebhook } from './detectors/slack-webhook.ts';
import { ssn } from './detectors/ssn.ts';
import { stripeKey } from './detectors/stripe-key.ts';
import { ukNhs } from './detectors/uk-nhs.ts';
import { ukNino } from './detectors/uk-nino.ts';
import { urlPassword } from './detectors/url-password.ts';
import { usItin } from './detectors/us-itin.ts';

/**
 * Every detector, in the order they run: the most specific (longest, most structured) first, so a value inside
 * a larger secret is attributed to the larger one and overlaps resolve the same way every time. A JWT after
 * `Bearer` is a `jwt`; the password of `postgres://app:pw@db.example.com` is a `urlPassword`, not an e-mail;
 * `::ffff:192.0.2.1` is one `ipv6`, not an `ipv4` inside one; `00-00-5e-00-53-01` is a `mac`, not a
 * trunk-prefixed phone number. Prefixed tokens run before `genericSecret`, so `token=ghp_…` is a `githubToken`;
 * `anthropicKey` (`sk-ant-`) before `openaiKey` (`sk-`). Keyword-gated and formatted national ids run before
 * `card`, `ssn` and `phone`, whose looser shapes would otherwise claim them (`imei 35…` is an IMEI, `9XX-7X-XXXX`
 * an ITIN); bare-checksum ids after `card` so a card keeps its label.
 */
export const DETECTORS: readonly Detector[] = [
  privateKey,
  jwt,
  authHeader,
  urlPassword,
  connectionStringPassword,
  anthropicKey,
  openaiKey,
  githubFineGrainedToken,
  githubToken,
  npmToken,
  slackWebhook,
  slackToken,
  stripeKey,
  googleApiKey,
  azureStorageKey,
  azureSas,
  awsSecretKey,
  awsSecretKeyEncoded,
  awsAccessKey,
  genericSecret,
  email,
  ethAddress,
  btcAddress,
  ipv6,
  mac,
  iban,
  itFiscalCode,
  esNie,
  esDni,
  fiHetu,
  ukNino,
  iePps,
  imei,
  ukNhs,
  nlBsn,
  caSin,
  usItin,
  plPesel,
  card,
  frNir,
  deTaxId,
  beNationalNumber,
  atSvnr,
  sePersonnummer,
  ssn,
  phone,
  ipv4,
];

/** One detector per name; `awsSecretKey` is two passes (plain and encoded) sharing a name, the plain one listed. */
export const DETECTOR_BY_NAME: ReadonlyMap<DetectorName, Detector> = new Map(
  DETECTORS.filter((d) => d !== awsSecretKeyEncoded).map((d) => [d.name, d]),
);
