// @spyglass/monitoring from the registry: the error aggregator groups by type.
import assert from 'node:assert/strict';
import { ErrorAggregator } from '@spyglass/monitoring';

const errors = new ErrorAggregator({ session: 'consumer' });
errors.record(new Error('socket hang up'), { type: 'network' });
errors.record(new Error('socket hang up'), { type: 'network' });
assert.equal(errors.get('network')?.count, 2);
console.log('monitoring: 2 errors of one type');
