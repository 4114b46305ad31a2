// Web standards only: nothing here imports a Node-only module, so the same middleware serves on
// Node, Cloudflare Workers and Deno.
export type { IdentifyMode, RequestIdEnv, RequestIdVariables, TenancyEnv, TenancyVariables, TenantHandle, TenantLookup } from './types.js';
export { type IdentifyOptions, type ResolveTenantOptions, TENANT_HEADER, resolveTenant, tenantNameOf } from './tenant.js';
export { REQUEST_ID_HEADER, type RequestIdOptions, requestId, respond } from './request-id.js';
export {
  type ErrorBody,
  HTTP_ERROR_CODES,
  HttpError,
  type HttpErrorCode,
  RETRY_AFTER_SECONDS,
  STATUS_BY_TENANCY_CODE,
  isTenancyError,
} from './errors.js';
export { type ErrorHandlerOptions, errorHandler, errorResponse, notFoundHandler } from './error-handler.js';
