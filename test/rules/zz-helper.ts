export { normalizeFragments as normalizeFragmentsRaw } from "../../src/normalize/index.js";
