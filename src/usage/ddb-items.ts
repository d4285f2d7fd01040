/**
 * DynamoDB calls that carry several items, read item by item: which action each item needs, on
 * which table (or index). CloudTrail logs the items in `requestParameters.requestItems`, a list of
 * objects (Amazon DynamoDB developer guide, "Logging DynamoDB operations by using AWS CloudTrail",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/logging-using-cloudtrail.html,
 * its TransactWriteItems, BatchExecuteStatement and ExecuteTransaction examples):
 *
 * - TransactWriteItems: `{"operation": "Put" | "Update" | "Delete" | "ConditionCheck", "tableName": …}`
 *   (the guide's own example writes the table key `tableName` on some items and `TableName` on
 *   others: both are read). Each item is authorised by the action of its operation on its table
 *   (DynamoDB API reference, "TransactWriteItems"; Service Authorization Reference, "Actions,
 *   resources, and condition keys for Amazon DynamoDB",
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html:
 *   dynamodb:PutItem, UpdateItem, DeleteItem, ConditionCheckItem).
 * - BatchExecuteStatement, ExecuteTransaction: `{"statement": "UPDATE Music SET … WHERE …"}` (only
 *   non-key values redacted). Each statement is authorised by the PartiQL action of its verb on the
 *   table or index it names (DynamoDB developer guide, "IAM security policies with PartiQL for
 *   DynamoDB", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html: "you
 *   must have dynamodb:PartiQLSelect permission on the table or index", Insert, Update, Delete
 *   likewise). The table follows `FROM` (SELECT, DELETE), `INTO` (INSERT) or `UPDATE`; a SELECT may
 *   read an index, `FROM table.index` ("PartiQL select statements for DynamoDB",
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.select.html:
 *   `SELECT expression FROM table[.index]`); names may be double-quoted.
 *
 * Where any item cannot be read (no operation, an unknown verb, no table, a list that is not a list
 * of objects, an empty one), the whole call is left to its event mapping, which counts every
 * candidate action (event-actions.ts): never a used permission called unused.
 */

import { deniedResourceOf } from "./denials.js";
import { isAccessDenied } from "./event-actions.js";

/**
 * The event source read: exactly, as the readers' other DynamoDB checks compare it (the
 * WebAssembly reader decides by it which records to parse whole). Another spelling counts the call
 * whole: every candidate.
 */
export const DYNAMODB_SOURCE = "dynamodb.amazonaws.com";

/** One item of a multi-item call: the event name it is counted under (event-actions.ts maps it to one action) and what it names. */
export interface DdbItem {
  /** `TransactWriteItems (Put)`, `BatchExecuteStatement (SELECT)` …: a key of EVENT_ACTIONS. */
  eventName: string;
  /** The table: a name, or an ARN as the request gave it. */
  table: string;
  /** A secondary index the item reads (a PartiQL SELECT's `table.index`), else null. */
  index: string | null;
}

/** The operations a TransactWriteItems item can carry (DynamoDB API reference, TransactWriteItem: Put, Update, Delete, ConditionCheck). */
export const TRANSACT_WRITE_OPERATIONS = ["Put", "Update", "Delete", "ConditionCheck"] as const;
/** DynamoDB's PartiQL statements' verbs (event-actions.ts PARTIQL_VERB). */
export const PARTIQL_VERBS = ["SELECT", "INSERT", "UPDATE", "DELETE"] as const;
/** The PartiQL calls that carry a list of statements. */
export const PARTIQL_ITEM_CALLS = ["BatchExecuteStatement", "ExecuteTransaction"] as const;

/** The event names whose items are read: a record of one of these, from DynamoDB, is parsed whole by every reader (its items are in a list of objects). */
export const DDB_ITEM_CALLS: ReadonlySet<string> = new Set(["TransactWriteItems", ...PARTIQL_ITEM_CALLS]);

/** Every event name an item is counted under, in a fixed order (accumulate.ts derives each one's dedup fingerprint from its position). */
export const DDB_ITEM_EVENT_NAMES: readonly string[] = [
  ...TRANSACT_WRITE_OPERATIONS.map((o) => `TransactWriteItems (${o})`),
  ...PARTIQL_ITEM_CALLS.flatMap((c) => PARTIQL_VERBS.map((v) => `${c} (${v})`)),
];

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The items of a DynamoDB TransactWriteItems, BatchExecuteStatement or ExecuteTransaction call
 * (`requestItems`: requestParameters.requestItems as parsed); null for any other call, or when one
 * item cannot be read (the call then counts every candidate, as before items were read).
 */
export function ddbItems(eventSource: string, eventName: string, requestItems: unknown): DdbItem[] | null {
  if (eventSource !== DYNAMODB_SOURCE || !DDB_ITEM_CALLS.has(eventName)) return null;
  if (!Array.isArray(requestItems) || requestItems.length === 0) return null;
  const out: DdbItem[] = [];
  for (const item of requestItems) {
    if (!isObj(item)) return null;
    const read = eventName === "TransactWriteItems" ? transactItem(item) : statementItems(eventName, item.statement);
    if (read === null) return null;
    for (const it of read) out.push(it);
  }
  return out;
}

function transactItem(item: Obj): DdbItem[] | null {
  const op = item.operation;
  if (typeof op !== "string" || !(TRANSACT_WRITE_OPERATIONS as readonly string[]).includes(op)) return null;
  // The guide's example writes `tableName` on some items and `TableName` on others.
  const table = typeof item.tableName === "string" ? item.tableName : typeof item.TableName === "string" ? item.TableName : null;
  if (table === null || table === "") return null;
  return [{ eventName: `TransactWriteItems (${op})`, table, index: null }];
}

/**
 * One statement's verb and table, as items. A name written `a.b` is table `a`'s index `b`; unquoted,
 * it may also be a table named `a.b` (table names may hold dots): both are counted then (the safe
 * direction: the policy keeps whichever the call used).
 */
function statementItems(call: string, statement: unknown): DdbItem[] | null {
  if (typeof statement !== "string") return null;
  const t = tokens(statement);
  if (t === null || t.length < 2 || t[0]?.kind !== "word") return null;
  const verb = t[0].text.toUpperCase();
  if (!(PARTIQL_VERBS as readonly string[]).includes(verb)) return null;
  const eventName = `${call} (${verb})`;
  // Where the table's name is: after the first FROM (SELECT, DELETE), INTO (INSERT), or the verb (UPDATE).
  let at = 1;
  if (verb !== "UPDATE") {
    const keyword = verb === "INSERT" ? "INTO" : "FROM";
    at = t.findIndex((x) => x.kind === "word" && x.text.toUpperCase() === keyword) + 1;
    if (at === 0) return null;
  }
  const first = t[at];
  if (first === undefined || first.kind === "dot" || first.text === "") return null;
  const second = t[at + 1]?.kind === "dot" ? t[at + 2] : undefined;
  if (second === undefined) return [{ eventName, table: first.text, index: null }];
  if (second.kind === "dot" || second.text === "" || t[at + 3]?.kind === "dot") return null;
  const indexed: DdbItem = { eventName, table: first.text, index: second.text };
  return first.kind === "quoted" && second.kind === "quoted" ? [indexed] : [{ eventName, table: `${first.text}.${second.text}`, index: null }, indexed];
}

/**
 * The table (and index) a single ExecuteStatement's statement names, as the items of a batch name
 * theirs (statementItems): a SELECT `FROM table.index` reads the index, and is authorised by
 * dynamodb:PartiQLSelect on it ("IAM security policies with PartiQL for DynamoDB": "on the table or
 * index"; its example grants PartiQLSelect on `table/<t>/index/<i>` alone). Null when the statement
 * cannot be read (the query readers' rows give its verb, and a SELECT's FROM name: sql.ts partiqlStatementSql).
 */
export function partiqlStatementTargets(statement: string): { table: string; index: string | null }[] | null {
  const items = statementItems("ExecuteStatement", statement);
  return items === null ? null : items.map(({ table, index }) => ({ table, index }));
}

interface Token {
  /** An unquoted word, a double-quoted name (its text unquoted), or a `.` between names. */
  kind: "word" | "quoted" | "dot";
  text: string;
}

const WORD = /[A-Za-z0-9_-]/;

/**
 * The words, double-quoted names and dots of a statement, in order, with its single-quoted strings
 * (the values, which may hold any word) and other punctuation left out; null for an unterminated quote.
 */
function tokens(s: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === "'" || c === '"') {
      // PartiQL doubles a quote inside quotes.
      let j = i + 1;
      let text = "";
      for (;;) {
        if (j >= s.length) return null;
        if (s[j] === c) {
          if (s[j + 1] !== c) break;
          j++;
        }
        text += s[j];
        j++;
      }
      if (c === '"') out.push({ kind: "quoted", text });
      i = j + 1;
    } else if (WORD.test(c)) {
      let j = i + 1;
      while (j < s.length && WORD.test(s[j] as string)) j++;
      out.push({ kind: "word", text: s.slice(i, j) });
      i = j;
    } else {
      if (c === ".") out.push({ kind: "dot", text: "." });
      i++;
    }
  }
  return out;
}

/**
 * A refused multi-item call whose message names the action refused (IAM's text, "User: … is not
 * authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:…:table/orders because …",
 * as denials.ts reads it for other calls). DynamoDB authorises each item by its own action, so a
 * refused TransactWriteItems names the item's action, not the call (GitHub
 * aws-amplify/amplify-js#5904: a transaction's refusal "is not authorized to perform
 * dynamodb:UpdateItem on resource TableTwo"; no published CloudTrail record of one was found).
 * The refusal is then counted under that action's item event name, on the ARN the message names
 * (null: none well-formed, the call's resources are kept). The other items are counted neither
 * used nor refused: the call did nothing, and IAM's message names one refusal only. Null when the
 * message names no action an item of this call can need (the call is counted whole, every
 * candidate refused, as before).
 */
export function refusedItemOf(eventSource: string, eventName: string, errorCode: string | null, errorMessage: string | null): { eventName: string; resource: string | null } | null {
  if (errorMessage === null || eventSource !== DYNAMODB_SOURCE || !DDB_ITEM_CALLS.has(eventName) || !isAccessDenied(errorCode)) return null;
  const action = REFUSED_DYNAMODB_ACTION.exec(errorMessage)?.[1];
  const item = action === undefined ? undefined : (eventName === "TransactWriteItems" ? TRANSACT_ITEM_OF_ACTION : PARTIQL_VERB_OF_ACTION).get(action);
  if (item === undefined) return null;
  return { eventName: `${eventName} (${item})`, resource: deniedResourceOf(eventSource, errorMessage) };
}

const REFUSED_DYNAMODB_ACTION = /\bnot authorized to perform: dynamodb:([A-Za-z]+)\b/;
/** The IAM action of each TransactWriteItems operation (ddb-items.ts header), reversed. */
const TRANSACT_ITEM_OF_ACTION: ReadonlyMap<string, string> = new Map(TRANSACT_WRITE_OPERATIONS.map((o) => [o === "ConditionCheck" ? "ConditionCheckItem" : `${o}Item`, o]));
/** The PartiQL action of each verb (`PartiQLSelect` → SELECT), reversed. */
const PARTIQL_VERB_OF_ACTION: ReadonlyMap<string, string> = new Map(PARTIQL_VERBS.map((v) => [`PartiQL${v[0]}${v.slice(1).toLowerCase()}`, v]));
