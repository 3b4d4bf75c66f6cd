import { describe, expect, it } from '@jest/globals';
import { OptOutPolicy } from './opt-out-policy.js';

describe('OptOutPolicy', () => {
  it('reads the opt-out keywords, case-insensitive and trimmed', () => {
    for (const w of ['STOP', 'stop', ' Unsubscribe ', 'cancel', 'END', 'quit', 'StopAll', '\nSTOP\t']) {
      expect(OptOutPolicy.intent(w)).toBe('stop');
    }
  });

  it('reads the opt-in keywords', () => {
    for (const w of ['START', 'start ', 'Unstop']) expect(OptOutPolicy.intent(w)).toBe('start');
  });

  it('ignores anything else, including a keyword inside a sentence', () => {
    for (const w of ['please stop', 'STOP IT', 'HELP', '', 'stopp', undefined]) expect(OptOutPolicy.intent(w)).toBeNull();
  });

  it("Twilio's OptOutType wins over the text", () => {
    expect(OptOutPolicy.intent('arrêt', 'STOP')).toBe('stop');
    expect(OptOutPolicy.intent('STOP', 'START')).toBe('start');
    expect(OptOutPolicy.intent('hello', 'HELP')).toBeNull();
    expect(OptOutPolicy.intent('STOP', 'HELP')).toBe('stop');
  });
});
