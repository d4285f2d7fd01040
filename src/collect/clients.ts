/**
 * One SDK client per (service, region), created on first use and destroyed at the end. All
 * clients share the credentials provider of the first (STS) client, so the standard chain (env,
 * profile, SSO, IMDS…) is resolved once and refreshed in one place.
 */

import { AccessAnalyzerClient } from "@aws-sdk/client-accessanalyzer";
import { AccountClient } from "@aws-sdk/client-account";
import { AthenaClient } from "@aws-sdk/client-athena";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { IAMClient } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import type { AwsService } from "./operations.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from "./timeouts.js";

/** What every client needs; maps to the CLI's --profile and to the endpoint override used by tests. */
export interface ClientSettings {
  /** Named profile (shared config/credentials files); undefined = the SDK's default chain. */
  profile?: string | undefined;
  /**
   * One endpoint for every service (a local emulator such as moto). Without it the SDK's own
   * resolution applies, which honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>.
   */
  endpoint?: string | undefined;
  /** Static or provider credentials (embedders, tests); undefined = the SDK's default chain. */
  credentials?: STSClientConfig["credentials"];
  /** SDK attempts per call including the first (standard retry mode, which backs off on throttling). */
  maxAttempts: number;
  /** How long to wait for a TCP (and TLS) connection, ms (default 10 s): an unreachable host fails instead of hanging. */
  connectTimeoutMs?: number | undefined;
  /**
   * How long a request may go without any byte from the endpoint, ms (default 60 s; an inactivity timeout, not a
   * cap on the whole call: a long page that keeps arriving is not cut). A call nobody answers fails
   * with TimeoutError (retried by the SDK like other transient errors) instead of hanging the run.
   */
  requestTimeoutMs?: number | undefined;
}


/** The smallest client surface callAws uses. */
export interface SendingClient {
  /** `abortSignal`: aborting it ends the request in flight (an AbortError). */
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy(): void;
}

type ClientConstructor = new (config: Record<string, unknown>) => SendingClient;

const CONSTRUCTORS: Record<AwsService, ClientConstructor> = {
  sts: STSClient as unknown as ClientConstructor,
  iam: IAMClient as unknown as ClientConstructor,
  lambda: LambdaClient as unknown as ClientConstructor,
  account: AccountClient as unknown as ClientConstructor,
  accessanalyzer: AccessAnalyzerClient as unknown as ClientConstructor,
  cloudtrail: CloudTrailClient as unknown as ClientConstructor,
  s3: S3Client as unknown as ClientConstructor,
  athena: AthenaClient as unknown as ClientConstructor,
  config: ConfigServiceClient as unknown as ClientConstructor,
};

export class ClientPool {
  private readonly clients = new Map<string, SendingClient>();
  private sharedCredentials: unknown;

  constructor(private readonly settings: ClientSettings) {}

  /** A client for `service` in `region` (`undefined` region = resolve it from profile/env). */
  get(service: AwsService, region: string | undefined): SendingClient {
    const key = `${service}@${region ?? ""}`;
    let client = this.clients.get(key);
    if (client) return client;
    const config: Record<string, unknown> = {
      maxAttempts: this.settings.maxAttempts,
      retryMode: "standard",
      // NodeHttpHandler's options (the SDK builds the handler from them). Its `socketTimeout` is the
      // inactivity timeout; its `requestTimeout` only logs a warning unless throwOnRequestTimeout is set.
      requestHandler: {
        connectionTimeout: this.settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        socketTimeout: this.settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      },
    };
    if (region !== undefined) config.region = region;
    if (this.settings.profile !== undefined) config.profile = this.settings.profile;
    if (this.settings.endpoint !== undefined) config.endpoint = this.settings.endpoint;
    const credentials = this.settings.credentials ?? this.sharedCredentials;
    if (credentials !== undefined) config.credentials = credentials;
    if (service === "s3") {
      // An emulator on 127.0.0.1 has no per-bucket host names; real S3 redirects across regions.
      if (this.settings.endpoint !== undefined) config.forcePathStyle = true;
      config.followRegionRedirects = true;
    }
    client = new CONSTRUCTORS[service](config);
    if (this.sharedCredentials === undefined && this.settings.credentials === undefined) {
      // The resolved config's credentials is a memoised provider: reuse it in every later client.
      this.sharedCredentials = (client as unknown as { config: { credentials?: unknown } }).config.credentials;
    }
    this.clients.set(key, client);
    return client;
  }

  /** The region the profile/environment configures, or undefined when none is set. */
  async defaultRegion(): Promise<string | undefined> {
    const client = this.get("sts", undefined) as unknown as { config: { region: () => Promise<string> } };
    try {
      const region = await client.config.region();
      return typeof region === "string" && region !== "" ? region : undefined;
    } catch {
      return undefined;
    }
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
