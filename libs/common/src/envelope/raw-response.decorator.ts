import { SetMetadata } from '@nestjs/common';

export const RAW_RESPONSE = 'envelope:raw';
/** The handler's body is a standard format (JWKS, RFC 7662, Prometheus...) and is sent as is. */
export const RawResponse = () => SetMetadata(RAW_RESPONSE, true);
