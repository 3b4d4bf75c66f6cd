import { readFileSync } from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';

export interface FcmServiceAccount {
  projectId: string;
  clientEmail: string;
  privateKeyId: string | null;
  privateKey: KeyObject;
  tokenUri: string;
}

/**
 * FCM_SERVICE_ACCOUNT as the JSON Google hands out, inline or as a path to the file. Throws a
 * message that names the variable (without the key) when it cannot be used, so the service stops
 * at start rather than fail every push.
 */
export function parseServiceAccount(raw: string, overrides: { projectId?: string; tokenUrl?: string }): FcmServiceAccount {
  const text = raw.trim().startsWith('{') ? raw : readJson(raw);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error('FCM_SERVICE_ACCOUNT: is neither service-account JSON nor a path to a JSON file');
  }
  const str = (k: string) => (typeof json[k] === 'string' && json[k] ? (json[k] as string) : undefined);
  const projectId = overrides.projectId ?? str('project_id');
  const clientEmail = str('client_email');
  const pem = str('private_key');
  const tokenUri = overrides.tokenUrl ?? str('token_uri') ?? 'https://oauth2.googleapis.com/token';
  if (!projectId) throw new Error('FCM_SERVICE_ACCOUNT: has no project_id (or set FCM_PROJECT_ID)');
  if (!clientEmail || !pem) throw new Error('FCM_SERVICE_ACCOUNT: needs client_email and private_key');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error('FCM_SERVICE_ACCOUNT: private_key is not a PEM private key');
  }
  return { projectId, clientEmail, privateKeyId: str('private_key_id') ?? null, privateKey, tokenUri };
}

function readJson(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`FCM_SERVICE_ACCOUNT: cannot read the file ${path}`);
  }
}
