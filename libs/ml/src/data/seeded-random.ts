// The seeded generator is owned by @spyglass/core (the backtest uses it too); re-exported for ml's callers.
export { seededRandom } from '@spyglass/core';
