import { purgePlan } from './storage.js';

describe('purgePlan (the original flags --category --retention-days --dry-run beside --apply)', () => {
  const retention = { raw: 365, processed: 180, metrics: 30, schema_drift: null, checkpoints: 90, heartbeat: 7 } as const;

  it.each([
    ['settings.yaml, dry run', { apply: false }, { raw: 365, processed: 180, metrics: 30, checkpoints: 90, heartbeat: 7 }, true],
    ['--apply deletes', { apply: true }, { raw: 365, processed: 180, metrics: 30, checkpoints: 90, heartbeat: 7 }, false],
    ['--category raw --retention-days 30', { apply: false, category: ['raw'], 'retention-days': 30 }, { raw: 30 }, true],
    ['--category schema_drift keeps forever without --retention-days', { apply: false, category: ['schema_drift'] }, {}, true],
    ['--no-dry-run deletes, as the original did', { apply: false, 'dry-run': false, category: ['metrics'] }, { metrics: 30 }, false],
    ['--dry-run wins over --apply', { apply: true, 'dry-run': true }, { raw: 365, processed: 180, metrics: 30, checkpoints: 90, heartbeat: 7 }, true],
  ])('%s', (_name, args, retentionDays, dryRun) => {
    expect(purgePlan(args, retention)).toEqual({ retentionDays, dryRun });
  });
});
