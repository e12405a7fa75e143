// Public entry of @spyglass/ml.
export {};
