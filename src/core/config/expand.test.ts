import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandValues, tempRoot, type ExpansionContext } from './expand.js';

const context: ExpansionContext = { env: { TEST: 'somevalue' }, home: '/home/user', temp: '/tmp/drover' };
const expand = (values: Record<string, unknown>, ctx: Partial<ExpansionContext> = {}) =>
  expandValues(values, { ...context, ...ctx });

describe('expandValues', () => {
  it('expands the example from PyFarm’s documentation', () => {
    const { values, cycles } = expand({
      foo: 'foo',
      bar: 'bar',
      foobar: '$foo/$bar',
      path: '~/$foobar/$TEST',
    });
    expect(values).toEqual({
      foo: 'foo',
      bar: 'bar',
      foobar: 'foo/bar',
      path: '/home/user/foo/bar/somevalue',
    });
    expect(cycles).toEqual([]);
  });

  it('expands $temp and ${temp} to the temporary root', () => {
    const { values } = expand({ a: '$temp/jobtype_cache', b: '${temp}/task_logs' });
    expect(values).toEqual({ a: '/tmp/drover/jobtype_cache', b: '/tmp/drover/task_logs' });
  });

  it('takes the temporary root from TMPDIR, under a drover directory', () => {
    expect(tempRoot({ TMPDIR: '/scratch' })).toBe('/scratch/drover');
  });

  it('expands $VAR and ${VAR} from the environment, braces allowing text right after the name', () => {
    const { values } = expand({ a: '$TEST', b: '${TEST}suffix', c: '$TESTsuffix' });
    expect(values).toEqual({ a: 'somevalue', b: 'somevaluesuffix', c: '$TESTsuffix' });
  });

  it('resolves references to other keys recursively, in any order', () => {
    const { values } = expand({
      table_software_version: '${table_software}_versions',
      table_software: '${table_prefix}software',
      table_prefix: 'farm1_',
    });
    expect(values.table_software_version).toBe('farm1_software_versions');
    expect(values.table_software).toBe('farm1_software');
  });

  it('looks in the environment before the configuration', () => {
    const { values } = expand({ root: '/from/config', path: '$root/x' }, { env: { root: '/from/env' } });
    expect(values.path).toBe('/from/env/x');
  });

  it('turns numbers and booleans into text and leaves null, lists and maps referenced as written', () => {
    const { values } = expand({
      master: null,
      master_api_version: 1,
      master_api: 'http://$master/api/v$master_api_version',
      flag: true,
      list: [1],
      text: '$flag $list',
    });
    expect(values.master_api).toBe('http://$master/api/v1');
    expect(values.text).toBe('true $list');
  });

  it('leaves unknown names as they are', () => {
    expect(expand({ a: '$NOT_SET/${ALSO_NOT_SET}/$' }).values.a).toBe('$NOT_SET/${ALSO_NOT_SET}/$');
  });

  it('never expands the names the agent fills in later, even when the environment has them', () => {
    const { values } = expand(
      {
        name: '$YEAR-$MONTH-$DAY_$HOUR-$MINUTE-$SECOND_$JOB_$PROCESS.csv',
        dir: '$temp/tempdir/$JOBTYPE_UUID',
      },
      { env: { JOB: 'nope', YEAR: 'nope', JOBTYPE_UUID: 'nope' } },
    );
    expect(values.name).toBe('$YEAR-$MONTH-$DAY_$HOUR-$MINUTE-$SECOND_$JOB_$PROCESS.csv');
    expect(values.dir).toBe('/tmp/drover/tempdir/$JOBTYPE_UUID');
  });

  it('expands ~ only at the start of a value, alone or before a separator', () => {
    const { values } = expand({ a: '~', b: '~/x', c: 'a/~/b', d: '~user/x' });
    expect(values).toEqual({ a: '/home/user', b: '/home/user/x', c: 'a/~/b', d: '~user/x' });
  });

  it('reads $$ as a literal dollar sign', () => {
    expect(expand({ a: 'cost: $$5 and $$TEST' }).values.a).toBe('cost: $5 and $TEST');
  });

  it('does not expand inside lists and maps', () => {
    const { values } = expand({ env: { A: '$TEST' }, login: ['$TEST', null] });
    expect(values).toEqual({ env: { A: '$TEST' }, login: ['$TEST', null] });
  });

  it('reports a reference cycle once, leaving it unexpanded', () => {
    const { values, cycles } = expand({ a: 'x/$b', b: '${c}', c: '$a', d: '$d/self', ok: '$TEST' });
    expect(cycles).toEqual([
      ['a', 'b', 'c', 'a'],
      ['d', 'd'],
    ]);
    expect(values.ok).toBe('somevalue');
    expect(values.c).toBe('$a');
  });

  it('is the identity on values without $ and without a leading ~', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.string()), (raw) => {
        const plain = Object.fromEntries(
          Object.entries(raw).map(([k, v]) => [k, v.replaceAll('$', '').replace(/^~/, '')]),
        );
        expect(expand(plain).values).toEqual(plain);
      }),
    );
  });
});
