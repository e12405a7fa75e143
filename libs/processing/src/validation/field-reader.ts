import { FieldReader, type FieldIssueCodes } from '@spyglass/core';
import { ValidationCode } from './issue-codes.js';

// The shared reader speaking the pipeline validator's vocabulary (ranges are checked by the
// validators themselves, each with its own code: NON_POSITIVE_PRICE, NEGATIVE_VOLUME…).
const VALIDATION_FIELD_CODES: FieldIssueCodes = {
  notObject: ValidationCode.NOT_AN_OBJECT,
  missing: ValidationCode.MISSING_FIELD,
  wrongType: ValidationCode.WRONG_TYPE,
  notFinite: ValidationCode.NOT_FINITE,
  notInteger: ValidationCode.NOT_INTEGER,
  emptyString: ValidationCode.EMPTY_STRING,
  badEnum: ValidationCode.BAD_ENUM,
};

/** A {@link FieldReader} over `input` that records {@link ValidationCode}s. */
export const validationFieldReader = (input: unknown): FieldReader => new FieldReader(input, VALIDATION_FIELD_CODES);

export type { FieldReader };
