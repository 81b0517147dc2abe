import { describe, expect, it } from 'vitest';
import { ACTIONS, EVENT_CLASSES, OUTCOMES } from '../../store/schema.js';
import { STREAMS_BY_NAME } from '../streams.js';
import { NORMALIZERS } from './registry.js';
import { compileNormalizer } from './compile.js';
import { countryIso2 } from './countries.js';

describe('normalizer registry', () => {
  it('maps only into the closed vocabularies and names existing raw streams', () => {
    const bad: string[] = [];
    for (const [stream, n] of Object.entries(NORMALIZERS)) {
      expect(STREAMS_BY_NAME.has(stream), stream).toBe(true);
      for (const [type, [cls, action, outcome]] of Object.entries(n.types)) {
        if (!(EVENT_CLASSES as readonly string[]).includes(cls)) bad.push(`${stream} ${type}: class ${cls}`);
        if (!(ACTIONS as readonly string[]).includes(action)) bad.push(`${stream} ${type}: action ${action}`);
        if (outcome && !(OUTCOMES as readonly string[]).includes(outcome)) bad.push(`${stream} ${type}: outcome ${outcome}`);
      }
      expect(() => compileNormalizer(n)).not.toThrow();
    }
    expect(bad).toEqual([]);
  });

  it('turns the country names vendors use into ISO alpha-2', () => {
    expect(countryIso2('United States')).toBe('US');
    expect(countryIso2('united kingdom')).toBe('GB');
    expect(countryIso2('South Korea')).toBe('KR');
    expect(countryIso2('Korea, Republic of')).toBe('KR');
    expect(countryIso2('Czechia')).toBe('CZ');
    expect(countryIso2('Russia')).toBe('RU');
    expect(countryIso2('Türkiye')).toBe('TR');
    expect(countryIso2("Côte d'Ivoire")).toBe('CI');
    expect(countryIso2('de')).toBe('DE');
    expect(countryIso2('Atlantis')).toBeNull();
  });
});
