/**
 * @ganforge/web/testing: helpers for tests in this and other packages (a sampler server and an
 * embedding site on local ports). Not part of the runtime API.
 */
export * from './web-servers.ts';
