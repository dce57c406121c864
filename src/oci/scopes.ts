// Authorization scopes a request needs, in the token spec's form `resourcetype:resourcename:actions`.
// https://distribution.github.io/distribution/spec/auth/scope/

export const pullScope = (repository: string): string => `repository:${repository}:pull`;
export const pushScope = (repository: string): string => `repository:${repository}:pull,push`;
export const deleteScope = (repository: string): string => `repository:${repository}:pull,push,delete`;
export const CATALOG_SCOPE = 'registry:catalog:*';
