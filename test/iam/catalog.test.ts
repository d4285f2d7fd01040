import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadActionCatalog, loadActionCatalogSync, normaliseAccessLevels, type ActionCatalog } from "../../src/iam/index.js";

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog();
});

describe("action catalog", () => {
  it("records the pinned iam-data version", () => {
    expect(catalog.iamDataVersion()).toBe("0.21.202609261");
    expect(catalog.iamDataUpdatedAt()).toMatch(/^2026-09-26T/);
  });

  it("holds every action of every service (22,091 in this version)", () => {
    expect(catalog.size).toBe(22091);
    expect(catalog.expand("*")).toHaveLength(22091);
    expect(catalog.services.size).toBe(456);
  });

  it("expands wildcards case-insensitively to canonical names", () => {
    const get = catalog.expand("s3:Get*");
    expect(get).toHaveLength(63); // iam-expand gives 63 for the same data (shared/reference/dependencies.md)
    expect(catalog.expand("S3:gEt*")).toEqual(get);
    expect(get).toContain("s3:GetObject");
    expect(get.every((a) => a.startsWith("s3:Get"))).toBe(true);
    expect(catalog.expand("s3:?etObject")).toEqual(["s3:GetObject"]);
    expect(catalog.expand("s3:getobject")).toEqual(["s3:GetObject"]);
    expect(catalog.expand("dynamodb:*")).toHaveLength(catalog.services.get("dynamodb")?.actionCount ?? -1);
    expect(catalog.expand("dynamodb:*Item")).toEqual([
      "dynamodb:BatchGetItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
    ]);
  });

  it("supports wildcards in the service prefix", () => {
    const both = catalog.expand("s3*:GetObject");
    expect(both).toContain("s3:GetObject");
    expect(both).toContain("s3-object-lambda:GetObject");
  });

  it("reports unknown services and actions instead of dropping them silently", () => {
    expect(catalog.expandDetailed("nosuchservice:*")).toMatchObject({ unknownService: true, unknown: true, actions: [] });
    expect(catalog.expandDetailed("s3:GetObjekt")).toMatchObject({ unknownService: false, unknown: true, actions: [] });
    expect(catalog.unknownPatterns(["s3:GetObject", "s3:GetObjekt", "foo:Bar", "foo:Bar"])).toEqual(["foo:Bar", "s3:GetObjekt"]);
    expect(catalog.action("s3:GetObjekt")).toBeNull();
    expect(catalog.accessLevel("foo:Bar")).toBeNull();
    expect(catalog.supportsResourceLevelPermissions("foo:Bar")).toBeNull();
  });

  it("normalises composite access levels to AWS's primary level", () => {
    expect(catalog.accessLevel("iam:PutRolePolicy")).toBe("Permissions management");
    expect(catalog.action("iam:PutRolePolicy")?.accessLevels).toEqual(["Permissions management", "Write"]);
    expect(catalog.accessLevel("s3:PutObjectTagging")).toBe("Tagging");
    expect(catalog.accessLevel("s3:GetObject")).toBe("Read");
    expect(catalog.accessLevel("s3:ListBucket")).toBe("List");
    expect(normaliseAccessLevels("Permissions management, Write")).toEqual(["Permissions management", "Write"]);
    // Every action gets one of the five AWS levels.
    const counts = [...catalog.levelSets.values()].reduce((n, s) => n + s.count(), 0);
    expect(counts).toBe(catalog.size);
  });

  it("knows which actions support resource-level permissions", () => {
    expect(catalog.supportsResourceLevelPermissions("xray:PutTraceSegments")).toBe(false);
    expect(catalog.supportsResourceLevelPermissions("dynamodb:ListTables")).toBe(false);
    expect(catalog.supportsResourceLevelPermissions("s3:GetObject")).toBe(true);
    expect(catalog.resourceTypes("s3:GetObject").map((r) => r.name)).toEqual(["accesspointobject", "object"]);
    expect(catalog.resourceTypes("s3:GetObject")[1]?.arnFormats).toEqual(["arn:${Partition}:s3:::${BucketName}/${ObjectName}"]);
    expect(catalog.resourceTypes("dynamodb:GetItem").some((r) => r.name === "table" && r.required)).toBe(true);
  });

  it("is a singleton after the first load", async () => {
    expect(await loadActionCatalog()).toBe(catalog);
  });

  it("fails with a typed error naming the folder when the data is missing", () => {
    expect(() => loadActionCatalogSync({ dataDir: "/nonexistent/data" })).toThrow(InputError);
    try {
      loadActionCatalogSync({ dataDir: "/nonexistent/data" });
    } catch (e) {
      expect((e as InputError).file).toBe("/nonexistent/data");
      expect(String(e)).toMatch(/^\/nonexistent\/data: cannot read the IAM action catalog/);
    }
  });
});

