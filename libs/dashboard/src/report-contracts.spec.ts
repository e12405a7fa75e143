import { validateModelSummary, validateScannerSummary, type ModelSummary, type ScannerSummary } from '@spyglass/core';
import { modelRun, optionBars, scanOptions, spyBars } from './__test-support__/sample-root.js';

const options = optionBars(spyBars());
const scanner: ScannerSummary = scanOptions(options);
const model: ModelSummary = modelRun(options);

describe('validateScannerSummary', () => {
  it.each<[string, unknown, Array<[string, string]>]>([
    ['the sample scan', scanner, []],
    ['not an object', [], [['NOT_OBJECT', '']]],
    ['hour 24', { ...scanner, eventsByHour: [{ hour: 24, events: 1 }] }, [['OUT_OF_RANGE', 'eventsByHour.0.hour']]],
    ['negative events and no ticker', { ...scanner, perContractDay: [{ date: '2025-03-03', events: -1 }] }, [['NOT_STRING', 'perContractDay.0.ticker'], ['OUT_OF_RANGE', 'perContractDay.0.events']]],
    ['rate above 1', { ...scanner, positiveMinuteRate: 55.4 }, [['OUT_OF_RANGE', 'positiveMinuteRate']]],
    // The event threshold is a fraction; a percent (20) is out of range and the old percent key is refused by name.
    ['threshold as a percent', { ...scanner, moveThreshold: 20 }, [['OUT_OF_RANGE', 'moveThreshold']]],
    ['the old percent key', { ...scanner, moveThresholdPct: 20 }, [['RENAMED', 'moveThresholdPct']]],
    ['missing arrays', { generatedAt: 'x' }, [['NOT_ARRAY', 'eventsByHour'], ['NOT_ARRAY', 'perContractDay']]],
  ])('%s', (_name, value, expected) => {
    expect(validateScannerSummary(value).map((i) => [i.code, i.path.join('.')])).toEqual(expected);
  });
});

describe('validateModelSummary', () => {
  it.each<[string, unknown, Array<[string, string]>]>([
    ['the sample run', model, []],
    ['NaN metric', { ...model, metrics: { ...model.metrics, rocAuc: Number.NaN } }, [['NOT_NUMBER', 'metrics.rocAuc']]],
    ['precision as percent', { ...model, thresholdCurve: [{ threshold: 0.5, precision: 91.9, recall: 0.1, signals: 3 }] }, [['OUT_OF_RANGE', 'thresholdCurve.0.precision']]],
    ['month without signals is null', { ...model, walkForward: [{ month: '2025-06', precision: null, signals: 0 }] }, []],
    ['factor without shap', { ...model, recentSignals: [{ ...model.recentSignals[0], topFactors: [{ feature: 'iv', value: 1 }] }] }, [['NOT_NUMBER', 'recentSignals.0.topFactors.0.shap']]],
    ['no run id', { ...model, runId: '' }, [['NOT_STRING', 'runId']]],
    // The unit of a signal's gain is a fraction; the percent-valued field of earlier writers is refused by name.
    ['max gain in the old percent field', { ...model, recentSignals: [{ ...model.recentSignals[0], maxGainPct: 31 }] }, [['RENAMED', 'recentSignals.0.maxGainPct']]],
    ['max gain below −100 %', { ...model, recentSignals: [{ ...model.recentSignals[0], maxGain: -5 }] }, [['OUT_OF_RANGE', 'recentSignals.0.maxGain']]],
  ])('%s', (_name, value, expected) => {
    expect(validateModelSummary(value).map((i) => [i.code, i.path.join('.')])).toEqual(expected);
  });
});
