// Public entry of @spyglass/dashboard.
export {};
