import { ApiKey } from '../api-keys/api-key.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { GoogleIdentity } from '../google/google-identity.entity.js';
import { PersonalToken } from '../personal-tokens/personal-token.entity.js';
import { Session } from '../sessions/session.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { User } from '../users/user.entity.js';

export const authEntities: Function[] = [Tenant, User, Session, AuditEvent, ApiKey, PersonalToken, GoogleIdentity];
