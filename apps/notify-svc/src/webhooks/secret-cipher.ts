// The cipher is global now (tenancy/secret-cipher.ts); this path stays for existing imports.
export { SECRET_CIPHER, type SecretCipher } from '../tenancy/secret-cipher.js';
