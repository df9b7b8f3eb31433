export { fetchResource } from './fetch.js';
export type { FetchResult, FoundResource, GoneResource, UnsupportedResource } from './fetch.js';
export { EVENT_RESOURCES } from './table.js';
export type { FetchResourceOptions, ResourceClient, ResourceKind, ResourceTypes } from './client.js';
