/** The SecretBox that encrypts a contact's push device tokens (bound to the contact id). */
export const CONTACT_CIPHER = Symbol('CONTACT_CIPHER');
