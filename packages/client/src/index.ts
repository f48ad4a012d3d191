/**
 * Node entry of the client library: the isomorphic API plus file paths and Node streams as sources.
 * Browser bundles should import `./browser.js`, which has no Node imports.
 */
export * from './browser.js';
export {
  defaultUserAgent,
  FileSource,
  fileIdentity,
  MwClient,
  nodeFileTransport,
  openSource,
} from './node.js';
