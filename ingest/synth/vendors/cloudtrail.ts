/**
 * AWS CloudTrail records: console sign-in (`ConsoleLogin`, `signin.amazonaws.com`), IAM Identity
 * Center (`sso.amazonaws.com` Authenticate/Federate) and IAM API calls, with eventVersion 1.09
 * fields (tlsDetails, sessionCredentialFromConsole, eventCategory …).
 */
import type { Rng } from '../prng.js';
import { isoSec } from '../time.js';

export interface CtInput {
  t: number;
  accountId: string;
  region: string;
  eventSource: string;
  eventName: string;
  eventType: 'AwsConsoleSignIn' | 'AwsApiCall' | 'AwsServiceEvent';
  userIdentity: Record<string, unknown>;
  sourceIp: string;
  userAgent: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  readOnly: boolean;
  serviceEventDetails?: Record<string, unknown>;
}

export function cloudTrail(rng: Rng, c: CtInput): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: c.userIdentity,
    eventTime: isoSec(c.t),
    eventSource: c.eventSource,
    eventName: c.eventName,
    awsRegion: c.region,
    sourceIPAddress: c.sourceIp,
    userAgent: c.userAgent,
  };
  if (c.errorCode) {
    rec.errorCode = c.errorCode;
    rec.errorMessage = c.errorMessage ?? '';
  }
  rec.requestParameters = c.requestParameters ?? null;
  rec.responseElements = c.responseElements ?? null;
  if (c.additionalEventData) rec.additionalEventData = c.additionalEventData;
  if (c.serviceEventDetails) rec.serviceEventDetails = c.serviceEventDetails;
  rec.requestID = rng.uuid();
  rec.eventID = rng.uuid();
  rec.readOnly = c.readOnly;
  rec.eventType = c.eventType;
  rec.managementEvent = true;
  rec.recipientAccountId = c.accountId;
  rec.eventCategory = 'Management';
  rec.tlsDetails = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: c.eventSource === 'signin.amazonaws.com' ? 'signin.aws.amazon.com' : `${c.eventSource.split('.')[0]}.amazonaws.com` };
  if (c.eventType === 'AwsConsoleSignIn') delete rec.requestID;
  return rec;
}
