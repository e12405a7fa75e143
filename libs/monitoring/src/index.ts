// Public entry of @spyglass/monitoring.
export {};
