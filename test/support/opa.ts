/** The pinned opa binary for tests that compare against OPA or compile Rego (never built here). */
// @ts-expect-error plain ESM script without types
import { findOpa } from "../../scripts/opa.mjs";

export function pinnedOpa(): string {
  const path = (findOpa as (o: { build: boolean }) => string | null)({ build: false });
  if (!path) throw new Error("the pinned opa is not available: run `npm run build:policies` first (it builds opa with Go)");
  return path;
}
