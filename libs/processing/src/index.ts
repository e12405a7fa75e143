// Public entry of @spyglass/processing.
export {};
