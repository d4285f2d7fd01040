/**
 * A real HTTP proxy in front of moto that injects AWS faults: throttling answers (HTTP 429 with
 * the error type header Lambda/IAM-style JSON services send) or a denial for one region. The SDK
 * parses them exactly as it would parse AWS's, so retries and failure recording are exercised
 * end to end without mocking the SDK.
 */

import { createServer, request, type IncomingMessage, type Server } from "node:http";

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface FaultRule {
  /**
   * Which requests: matched against `<service>/<region> <method> <path> <body>` (service and
   * region from the signature scope; the body carries the Action of query-protocol calls).
   */
  match: RegExp;
  /** How many matching requests get the fault (Infinity = all). */
  times: number;
  /**
   * An AWS error, an answer built by the test (for operations moto does not implement), or
   * `hang`: the request is read and never answered (the connection stays open until close());
   * `drop`: the connection is closed without an answer (a server gone mid-call: ECONNRESET).
   */
  fault: "throttle" | "deny" | "hang" | "drop" | "forward" | ((request: { path: string; body: string; nth: number }) => Answer);
  /**
   * Awaited before the fault is applied: a change made to moto between two of collect's calls
   * (`forward` then sends the request on as it came, to see moto's own answer to it).
   */
  before?: () => Promise<void>;
}

export interface FaultProxy {
  endpoint: string;
  /** Faults injected so far, per rule index. */
  injected: number[];
  /** Requests seen, as `<service>/<region> <method> <path>`. */
  seen: string[];
  close(): Promise<void>;
}

function describe(req: IncomingMessage): string {
  const auth = String(req.headers.authorization ?? "");
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(auth);
  return `${scope?.[2] ?? "?"}/${scope?.[1] ?? "?"} ${req.method} ${req.url}`;
}

export function startFaultProxy(target: string, rules: FaultRule[]): Promise<FaultProxy> {
  const upstream = new URL(target);
  const injected = rules.map(() => 0);
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void handle(req, Buffer.concat(chunks), res));
  });
  const handle = async (req: IncomingMessage, body: Buffer, res: import("node:http").ServerResponse) => {
    const what = describe(req);
    seen.push(what);
    const full = `${what} ${body.toString("utf8")}`;
    const i = rules.findIndex((r, k) => r.match.test(full) && (injected[k] ?? 0) < r.times);
    const rule = i >= 0 ? (rules[i] as FaultRule) : undefined;
    if (rule) injected[i] = (injected[i] ?? 0) + 1;
    if (rule?.before) await rule.before();
    if (rule && rule.fault !== "forward") {
      if (rule.fault === "hang") return;
      if (rule.fault === "drop") {
        req.socket.resetAndDestroy();
        return;
      }
      if (typeof rule.fault === "function") {
        const answer = rule.fault({ path: req.url ?? "/", body: body.toString("utf8"), nth: injected[i] as number });
        res.writeHead(answer.status, { "x-amzn-requestid": `stub-${seen.length}`, ...answer.headers });
        res.end(answer.body);
        return;
      }
      const [code, status, message] =
        rule.fault === "throttle" ? ["TooManyRequestsException", 429, "Rate exceeded"] : ["AccessDeniedException", 403, "injected denial for this region"];
      if (/^(sts|iam)\//.test(what)) {
        // Query-protocol services answer errors in XML.
        const xml = `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-${seen.length}</RequestId></ErrorResponse>`;
        res.writeHead(status, { "content-type": "text/xml" });
        res.end(xml);
        return;
      }
      res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": code, "x-amzn-requestid": `fault-${seen.length}` });
      res.end(JSON.stringify({ __type: code, message, Type: "User" }));
      return;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on("error", (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    forward.end(body);
  };
  return new Promise((ok) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      ok({
        endpoint: `http://127.0.0.1:${port}`,
        injected,
        seen,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections(); // hung requests included
          }),
      });
    });
  });
}
