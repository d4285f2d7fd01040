export { CONFIG_FILE_NAMES, findConfig, findNearestConfig, loadConfig, packsOf, suppressionsOf, validateConfig } from "./load.js";
