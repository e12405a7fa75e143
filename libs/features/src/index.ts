// Public entry of @spyglass/features.
export {};
