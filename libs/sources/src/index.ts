// Public entry of @spyglass/sources.
export {};
