import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { formatIssues, validateEvent } from '../../schemas';
import { TEXT_FIELDS, validEventArb } from './arbitraries';

/** Values of every JSON type but `keep`. */
function wrongTypeArb(keep: 'string' | 'integer'): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  ];
  if (keep === 'string') options.push(fc.integer(), fc.double({ noNaN: true }));
  else
    options.push(
      fc.string(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    );
  return fc.oneof(...options);
}

const REQUIRED_FIELDS = [
  ['event_id', 'string'],
  ['event_type', 'string'],
  ['event_time', 'string'],
  ['schema_version', 'integer'],
] as const;

describe('validateEvent (properties)', () => {
  it('accepts every event built from valid parts', () => {
    fc.assert(
      fc.property(validEventArb, (event) => {
        const result = validateEvent(event);
        assert.ok(result.ok, result.ok ? '' : formatIssues(result.errors));
        assert.equal(result.eventTimeMs, Date.parse(event.event_time as string));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a valid event whose required field got a wrong type, at that field', () => {
    const mutated = fc
      .tuple(validEventArb, fc.constantFrom(...REQUIRED_FIELDS))
      .chain(([event, [field, type]]) => wrongTypeArb(type).map((value) => ({ event: { ...event, [field]: value }, field })));
    fc.assert(
      fc.property(mutated, ({ event, field }) => {
        const result = validateEvent(event);
        assert.equal(result.ok, false);
        if (!result.ok)
          assert.ok(
            result.errors.some((e) => e.path === `/${field}`),
            formatIssues(result.errors),
          );
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a valid event whose only user id got a wrong type', () => {
    const mutated = fc.tuple(validEventArb, wrongTypeArb('string')).map(([event, value]) => {
      const { user_id: _u, anonymous_id: _a, ...rest } = event;
      return { ...rest, user_id: value };
    });
    fc.assert(
      fc.property(mutated, (event) => {
        const result = validateEvent(event);
        assert.equal(result.ok, false);
        if (!result.ok)
          assert.ok(
            result.errors.some((e) => e.path === '/user_id'),
            formatIssues(result.errors),
          );
      }),
    );
  });

  it('rejects a valid event with a control character or unpaired surrogate in any string, at that string', () => {
    const forbidden = fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\ud800', '\udfff');
    const broken = fc.tuple(validEventArb, fc.constantFrom(...TEXT_FIELDS), forbidden).map(([event, path, char]) => {
      const [top, nested] = path.slice(1).split('/');
      const copy: Record<string, unknown> = { ...event };
      if (nested === undefined) {
        copy[top] = `x${char}`;
      } else {
        const inner = { ...((copy[top] as Record<string, unknown> | undefined) ?? {}), [nested]: `x${char}` };
        copy[top] = top === 'product' ? { sku: 'sku', ...inner } : inner;
      }
      return { event: copy, path };
    });
    fc.assert(
      fc.property(broken, ({ event, path }) => {
        const result = validateEvent(event);
        assert.equal(result.ok, false);
        if (!result.ok)
          assert.ok(
            result.errors.some((e) => e.path === path),
            formatIssues(result.errors),
          );
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, and explains every rejection, whatever the input', () => {
    const anything = fc.oneof(
      fc.jsonValue(),
      validEventArb.chain((event) =>
        fc
          .dictionary(fc.constantFrom(...Object.keys(event), 'extra'), fc.jsonValue(), { maxKeys: 4 })
          .map((patch) => ({ ...event, ...patch })),
      ),
    );
    fc.assert(
      fc.property(anything, (input) => {
        const result = validateEvent(input);
        if (!result.ok) {
          assert.ok(result.errors.length > 0);
          for (const issue of result.errors)
            assert.ok(issue.message.length > 0 && (issue.path === '' || issue.path.startsWith('/')));
        }
      }),
      { numRuns: 500 },
    );
  });
});
