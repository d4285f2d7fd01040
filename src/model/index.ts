export * from "./document.js";
export * from "./facts.js";
export * from "./usage.js";
export * from "./findings.js";
export * from "./config.js";
export * from "./analysis.js";
