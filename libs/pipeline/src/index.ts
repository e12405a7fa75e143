// Public entry of @spyglass/pipeline.
export {};
