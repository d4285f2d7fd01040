/**
 * Event source → IAM prefix, checked against AWS's Smithy models (fixture
 * test/usage/fixtures/smithy-service-traits: each service's `aws.api#service` trait, with SOURCE.md).
 *
 * For every row, a call CloudTrail records under the model's cloudTrailEventSource must map to an action
 * the catalog knows for each of the service's operations. The IAM prefix is the model's arnNamespace or
 * SigV4 name when the catalog has that service; two services have neither as an IAM service, and their
 * prefix is the one AWS's documentation gives (IAM_PREFIX_FROM_DOCS). Before, by the default rule,
 * cloudcontrolapi:CreateResource, iotdataplane:Publish, marketplacemetering:MeterUsage … were counted:
 * actions of no service, so the permission the call needed was unused and generate left it out.
 *
 * Which models were read, and why only those: the fixture's SOURCE.md.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { eventToActions, servicePrefix } from "../../src/usage/event-actions.js";

interface Row { model: string; sdkId: string; cloudTrailEventSource: string; arnNamespace: string; sigv4: string; endpointPrefix: string; operations: string[] }

const TABLE = readFileSync(join(__dirname, "fixtures/smithy-service-traits/service-traits.tsv"), "utf8");
const [header, ...lines] = TABLE.trimEnd().split("\n");
const columns = (header as string).split("\t");
const rows: Row[] = lines.map((line) => {
  const cells = Object.fromEntries(line.split("\t").map((v, i) => [columns[i] as string, v]));
  return { ...(cells as unknown as Row), operations: (cells.operations as string).split(" ") };
});

/** Services whose arnNamespace and SigV4 name are no IAM service: the prefix AWS's documentation gives. */
const IAM_PREFIX_FROM_DOCS: { [sdkId: string]: { prefix: string; source: string } } = {
  "IoT Data Plane": { prefix: "iot", source: "the model's operation documentation links the Service Authorization Reference's list_awsiot.html (e.g. GetThingShadow)" },
  CloudControl: { prefix: "cloudformation", source: "Cloud Control API user guide: its operations are authorised as cloudformation:CreateResource …" },
};

/**
 * Operations the catalog (the Service Authorization Reference) has no action for: not IAM-authorised
 * (SSO OIDC's CreateToken, RegisterClient and StartDeviceAuthorization take no AWS credentials; its
 * IAM actions are the …WithIAM ones). Mapped like the others, but not required to be in the catalog.
 */
const NO_IAM_ACTION: { [sdkId: string]: string[] } = {
  "SSO OIDC": ["CreateToken", "RegisterClient", "StartDeviceAuthorization"],
};

/** Hosts CloudTrail writes that differ from the model's trait, from AWS's example records. */
const OBSERVED_HOSTS: { [sdkId: string]: string } = {
  "Marketplace Metering": "metering-marketplace.amazonaws.com", // AWS Marketplace seller guide, BatchMeterUsage example record
};

describe("event sources of the Smithy models' service traits", () => {
  const catalog = loadActionCatalogSync();

  it("the table is the one extracted (every row complete)", () => {
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const r of rows) {
      expect(r.cloudTrailEventSource, r.sdkId).toMatch(/^[a-z0-9-]+\.amazonaws\.com$/);
      expect(r.operations.length, r.sdkId).toBeGreaterThan(0);
    }
  });

  for (const r of rows) {
    it(`${r.sdkId}: ${r.cloudTrailEventSource} maps to an IAM service that has its operations`, () => {
      const authorised = r.operations.filter((op) => !(NO_IAM_ACTION[r.sdkId] ?? []).includes(op));
      expect(authorised.length, r.sdkId).toBeGreaterThan(0);
      const fromModel = [r.arnNamespace, r.sigv4].find((p) => p !== "" && authorised.every((op) => catalog.action(`${p}:${op}`) !== null));
      const want = fromModel ?? IAM_PREFIX_FROM_DOCS[r.sdkId]?.prefix;
      expect(want, `${r.sdkId}: neither ${r.arnNamespace} nor ${r.sigv4} is the IAM service, and no documented prefix`).toBeDefined();
      const hosts = [r.cloudTrailEventSource, ...(OBSERVED_HOSTS[r.sdkId] !== undefined ? [OBSERVED_HOSTS[r.sdkId] as string] : [])];
      for (const host of hosts) {
        expect(servicePrefix(host), host).toBe(want);
        for (const op of authorised) {
          const actions = eventToActions(host, op).actions;
          expect(actions.length, `${host} ${op}`).toBeGreaterThan(0);
          for (const a of actions) expect(catalog.action(a), `${host} ${op} → ${a}`).not.toBeNull();
        }
      }
    });
  }
});
