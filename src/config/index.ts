export { CONFIG_FILE_NAMES, findConfig, loadConfig, packsOf, suppressionsOf, validateConfig } from "./load.js";
