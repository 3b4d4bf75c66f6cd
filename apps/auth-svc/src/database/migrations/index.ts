import { AuthCore1795800000000 } from './1795800000000-auth-core.js';
import { ApiCredentials1795900000000 } from './1795900000000-api-credentials.js';
import { AuthTimestampPrecision1795950000000 } from './1795950000000-auth-timestamp-precision.js';
import { LoginAttemptsInFlight1795960000000 } from './1795960000000-login-attempts-in-flight.js';
import { SigningKeyPrepublication1795970000000 } from './1795970000000-signing-key-prepublication.js';
import { CredentialListTimestampPrecision1795980000000 } from './1795980000000-credential-list-timestamp-precision.js';
import { TenantSectorCountry1795990000000 } from './1795990000000-tenant-sector-country.js';
import { RevocationFeed1796000000000 } from './1796000000000-revocation-feed.js';
import { RolesChangedAt1796010000000 } from './1796010000000-roles-changed-at.js';

export const authMigrations: Function[] = [
  AuthCore1795800000000,
  ApiCredentials1795900000000,
  AuthTimestampPrecision1795950000000,
  LoginAttemptsInFlight1795960000000,
  SigningKeyPrepublication1795970000000,
  CredentialListTimestampPrecision1795980000000,
  TenantSectorCountry1795990000000,
  RevocationFeed1796000000000,
  RolesChangedAt1796010000000,
];
