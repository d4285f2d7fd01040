/**
 * One cross-account call as CloudTrail delivers it to both accounts (CloudTrail user guide,
 * "sharedEventID": "when an account uses an AWS KMS key that belongs to another account, the
 * account that used the key and the account that owns the key receive separate CloudTrail events
 * for the same action. Each CloudTrail event delivered for this AWS action shares the same
 * sharedEventID, but also has a unique eventID and recipientAccountId."): a function of account
 * 111111111111 decrypts with a key of account 222222222222.
 */
import { roleCallRecord } from "./cloudtrail-record.js";

export const CALLER = "111111111111";
export const OWNER = "222222222222";
export const ROLE = `arn:aws:iam::${CALLER}:role/service-role/orders-role`;
export const KEY = `arn:aws:kms:us-east-1:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const SHARED_ID = "8424f6b6-2280-4d1d-b9fd-0348b1546cba";

type Rec = { [k: string]: unknown };

/** The copy each account receives: only eventID and recipientAccountId differ (and sharedEventID is common). */
export function crossAccountDecrypt(opts: { seq?: number; time?: string; shared?: string; errorCode?: string; errorMessage?: string } = {}): { caller: Rec; owner: Rec } {
  const seq = opts.seq ?? 1;
  const base = roleCallRecord({
    account: CALLER,
    roleArn: ROLE,
    session: "orders-fn",
    time: opts.time ?? "2026-10-01T08:15:42Z",
    source: "kms",
    name: "Decrypt",
    seq,
    extra: {
      requestParameters: { encryptionAlgorithm: "SYMMETRIC_DEFAULT", keyId: KEY },
      resources: [{ accountId: OWNER, type: "AWS::KMS::Key", ARN: KEY }],
      ...(opts.errorCode === undefined ? {} : { errorCode: opts.errorCode, errorMessage: opts.errorMessage ?? "" }),
    },
  }) as Rec;
  const shared = opts.shared ?? SHARED_ID;
  // sharedEventID sits after recipientAccountId, where CloudTrail writes it.
  const copy = (eventID: string, recipient: string): Rec => {
    const r: Rec = {};
    for (const [k, v] of Object.entries(base)) {
      if (k === "eventCategory") r.sharedEventID = shared;
      r[k] = k === "eventID" ? eventID : k === "recipientAccountId" ? recipient : v;
    }
    return r;
  };
  const hex = seq.toString(16).padStart(12, "0");
  return { caller: copy(`c0a1e5d2-0000-4000-8000-${hex}`, CALLER), owner: copy(`0e4a3f10-0000-4000-8000-${hex}`, OWNER) };
}

/** A copy whose userIdentity lacks sessionContext: the role comes from the STS ARN, without its path (another group). */
export function withoutSessionContext(r: Rec): Rec {
  const ui = { ...(r.userIdentity as Rec) };
  delete ui.sessionContext;
  return { ...r, userIdentity: ui };
}
