/**
 * Paging GetServiceLastAccessedDetails: `Marker` is followed while `IsTruncated` (IAM API
 * Reference). A page that says more follow but gives no Marker used to end the loop as if the
 * report were whole: the services of the pages not reached were then "not accessed", unused.
 */
import { describe, expect, it } from "vitest";
import { remainingPages } from "../../src/collect/collect-access-advisor.js";
import { parseAccessAdvisor } from "../../src/usage/access-advisor.js";

const svc = (ns: string) => ({ ServiceName: ns, ServiceNamespace: ns, TotalAuthenticatedEntities: 0 });

describe("remainingPages", () => {
  it("follows Marker while IsTruncated, and reads a last page whole", async () => {
    const asked: string[] = [];
    const pages: Record<string, object> = { m1: { ServicesLastAccessed: [svc("s3")], IsTruncated: true, Marker: "m2" }, m2: { ServicesLastAccessed: [svc("sqs")], IsTruncated: false } };
    const r = await remainingPages({ ServicesLastAccessed: [svc("ec2")], IsTruncated: true, Marker: "m1" }, async (m) => (asked.push(m), pages[m] as never));
    expect([asked, r.services.map((s) => s.ServiceNamespace), r.cut]).toEqual([["m1", "m2"], ["ec2", "s3", "sqs"], null]);
  });

  it("a page with IsTruncated and no Marker (or one already followed) ends the paging, said as cut", async () => {
    const none = await remainingPages({ ServicesLastAccessed: [svc("ec2")], IsTruncated: true }, async () => {
      throw new Error("not asked");
    });
    expect(none).toEqual({ services: [svc("ec2")], cut: "GetServiceLastAccessedDetails page 1 says more services follow (IsTruncated) but gives no Marker: the report holds the 1 services of the pages read, the others are missing" });
    const again = await remainingPages({ ServicesLastAccessed: [svc("ec2")], IsTruncated: true, Marker: "m1" }, async () => ({ ServicesLastAccessed: [svc("s3")], IsTruncated: true, Marker: "m1" }));
    expect([again.services.length, again.cut]).toEqual([2, "GetServiceLastAccessedDetails page 2 says more services follow (IsTruncated) but gives a Marker already followed: the report holds the 2 services of the pages read, the others are missing"]);
  });

  it("the file collect writes of a cut report reads as truncated", () => {
    const role = "arn:aws:iam::123456789012:role/app";
    const written = { Arn: role, Granularity: "ACTION_LEVEL", JobId: "j", JobStatus: "COMPLETED", JobType: "ACTION_LEVEL", JobCreationDate: "2026-11-28T09:00:00Z", JobCompletionDate: "2026-11-28T09:00:05Z", ServicesLastAccessed: [svc("ec2")], IsTruncated: true };
    expect(parseAccessAdvisor(written, "app.json").truncated).toBe(true);
  });
});
