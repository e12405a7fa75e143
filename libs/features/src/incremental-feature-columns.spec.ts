import { FEATURE_COLUMNS, INCREMENTAL_FEATURE_COLUMNS } from './index.js';

describe('INCREMENTAL_FEATURE_COLUMNS', () => {
  it('is the catalog’s FEATURE_COLUMNS, name for name and in model order', () => {
    expect([...INCREMENTAL_FEATURE_COLUMNS]).toEqual([...FEATURE_COLUMNS]);
  });
});
