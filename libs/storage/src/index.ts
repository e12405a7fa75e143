// Public entry of @spyglass/storage.
export {};
