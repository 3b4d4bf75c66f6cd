import { describe, expect, it } from '@jest/globals';
import { countryOf, resolveCountry } from './country.policy.js';

describe('resolveCountry', () => {
  it('takes an English name, an alpha-2 or an alpha-3 code, in any letter case', () => {
    const kenya = { code: 'KE', alpha3: 'KEN', name: 'Kenya' };
    for (const input of ['Kenya', ' kenya ', 'KE', 'ke', 'KEN', 'ken']) expect(resolveCountry(input)).toEqual(kenya);
    expect(resolveCountry('United States')?.code).toBe('US');
    expect(resolveCountry('United Kingdom')?.code).toBe('GB');
  });

  it('names no country for anything else', () => {
    for (const input of ['', '  ', 'Atlantis', 'XX', 'XXX', 'K', 'Kenya!']) expect(resolveCountry(input)).toBeUndefined();
  });

  it('finds a stored code again', () => {
    expect(countryOf('DE')).toEqual({ code: 'DE', alpha3: 'DEU', name: 'Germany' });
    expect(countryOf('ZZ')).toBeUndefined();
  });
});
