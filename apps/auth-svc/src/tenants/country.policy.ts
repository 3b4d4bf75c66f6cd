import countries from 'i18n-iso-countries';

export interface Country {
  /** ISO 3166-1 alpha-2, the form stored on the tenant. */
  code: string;
  alpha3: string;
  /** English short name. */
  name: string;
}

/**
 * An ISO 3166-1 country from what a sign-up form sends: an alpha-2 or alpha-3 code, or an English
 * name (any letter case, official or common: "Kenya", "KE", "KEN", "United States"). Undefined when
 * it names no country.
 */
export function resolveCountry(input: string): Country | undefined {
  const s = input.trim();
  if (!s) return undefined;
  const code =
    /^[a-z]{2,3}$/i.test(s) && countries.isValid(s.toUpperCase()) ? countries.toAlpha2(s.toUpperCase()) : countries.getAlpha2Code(s, 'en');
  return code ? countryOf(code) : undefined;
}

/** The country of a stored alpha-2 code. */
export function countryOf(alpha2: string): Country | undefined {
  const name = countries.getName(alpha2, 'en', { select: 'official' });
  const alpha3 = countries.alpha2ToAlpha3(alpha2);
  return name && alpha3 ? { code: alpha2, alpha3, name } : undefined;
}
