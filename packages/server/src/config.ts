/** Configuration: the schema of every key (config/schema.ts) and the loader (config/load.ts). */
export { ConfigError, type DeepPartial, loadConfig } from './config/load.js';
export {
  type Config,
  ConfigSchema,
  type CopyUploadConfig,
  type DatabaseConfig,
  MIB,
  type StorageConfig,
  type ThumbnailConfig,
  type UploadConfig,
} from './config/schema.js';
