import { FieldReader, type FieldIssueCodes } from './field-reader.js';

const ALL: FieldIssueCodes = {
  notObject: 'NOT_OBJECT',
  missing: 'MISSING',
  wrongType: 'TYPE',
  notFinite: 'FINITE',
  notInteger: 'INTEGER',
  outOfRange: 'RANGE',
  emptyString: 'EMPTY',
  badEnum: 'ENUM',
};
const MINIMAL: FieldIssueCodes = { notObject: 'NOT_OBJECT', missing: 'MISSING', wrongType: 'TYPE' };

describe('FieldReader', () => {
  it.each([
    ['a number', { x: 5 }, {}, 5, []],
    ['absent', {}, {}, undefined, ['MISSING']],
    ['null', { x: null }, {}, undefined, ['MISSING']],
    ['absent but optional', {}, { optional: true }, undefined, []],
    ['a numeric string', { x: '5' }, {}, undefined, ['TYPE']],
    ['NaN', { x: NaN }, {}, undefined, ['FINITE']],
    ['Infinity', { x: Infinity }, {}, undefined, ['FINITE']],
    ['a fraction where an integer is due', { x: 1.5 }, { integer: true }, undefined, ['INTEGER']],
    ['zero where positive is due', { x: 0 }, { positive: true }, undefined, ['RANGE']],
    ['below min', { x: -1 }, { min: 0 }, undefined, ['RANGE']],
    ['at min', { x: 0 }, { min: 0 }, 0, []],
  ])('number: %s', (_name, input, opts, value, codes) => {
    const r = new FieldReader(input, ALL);
    expect(r.number('x', opts)).toBe(value);
    expect(r.issues.map((i) => i.code)).toEqual(codes);
    expect(r.issues.every((i) => i.path[0] === 'x' && i.message.startsWith('x '))).toBe(true);
  });

  it.each([
    ['a string', { s: 'SPY' }, {}, 'SPY', []],
    ['blank', { s: '  ' }, {}, undefined, ['EMPTY']],
    ['blank but allowed', { s: '' }, { allowEmpty: true }, '', []],
    ['a number', { s: 5 }, {}, undefined, ['TYPE']],
  ])('string: %s', (_name, input, opts, value, codes) => {
    const r = new FieldReader(input, ALL);
    expect(r.string('s', opts)).toBe(value);
    expect(r.issues.map((i) => i.code)).toEqual(codes);
  });

  it('records a kind without its own code as wrongType', () => {
    const r = new FieldReader({ a: NaN, b: 0, c: '', d: 'x' }, MINIMAL);
    r.number('a');
    r.number('b', { positive: true });
    r.string('c');
    r.oneOf('d', ['y', 'z']);
    expect(r.issues.map((i) => [i.code, i.path[0]])).toEqual([['TYPE', 'a'], ['TYPE', 'b'], ['TYPE', 'c'], ['TYPE', 'd']]);
  });

  it('checks enums and string arrays element by element', () => {
    const r = new FieldReader({ t: 'call', u: 'swap', k: ['a', 3, 'b'] }, ALL);
    expect(r.oneOf('t', ['call', 'put'] as const)).toBe('call');
    expect(r.oneOf('u', ['call', 'put'] as const)).toBeUndefined();
    expect(r.stringArray('k')).toBeUndefined();
    expect(r.issues.map((i) => [i.code, i.path])).toEqual([['ENUM', ['u']], ['TYPE', ['k', 1]]]);
  });

  it.each([[null], [[1, 2]], ['text'], [42]])('reports a non-object %p once, not once per field', (input) => {
    const r = new FieldReader(input, ALL);
    expect(r.isObject).toBe(false);
    expect(r.number('x')).toBeUndefined();
    expect(r.issues.map((i) => i.code)).toEqual(['NOT_OBJECT']);
  });

  it('turns a throwing getter into an issue instead of an exception', () => {
    const hostile = Object.defineProperty({}, 'x', { get: () => { throw new Error('boom'); }, enumerable: true });
    const r = new FieldReader(hostile, ALL);
    expect(r.number('x')).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ code: 'TYPE', path: ['x'] });
    expect(r.issues[0]!.message).toContain('boom');
  });
});
