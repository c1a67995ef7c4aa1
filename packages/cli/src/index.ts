export { runCli, createProgram, type CliDeps } from './program.ts';
export { CliError, USAGE_EXIT } from './errors.ts';
export { startServe, type ServeOptions, type ServeHandle } from './commands/serve.ts';
export { runImport, type ImportOptions, type ImportCounts } from './commands/import.ts';
export { parseListen, parseServerUrl, isLoopback, formatHostPort, type ListenAddress } from './listen.ts';
export { parseStoreUrl, describeStore, redactUrl, type StoreLocation } from './store-url.ts';
export { parseDocuments, collectFiles, readDocuments, type SourceDocument } from './documents.ts';
export { toTarget, upsertObject, isUnchanged, deepEqual, type ObjectTarget, type UpsertOutcome } from './upsert.ts';
export { createApiClient, ApiError, UnreachableError, type ApiClient } from './api-client.ts';
