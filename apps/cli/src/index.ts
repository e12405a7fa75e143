// Public entry of @spyglass/cli.
export {};
