import { mergeRouteConfig } from '../http/route-config.js';

export const RAW_RESPONSE = 'rawResponse';
/** The handler's body is a standard format (JWKS, RFC 7662, Prometheus...) and is sent as is. */
export const RawResponse = () => mergeRouteConfig({ [RAW_RESPONSE]: true });
