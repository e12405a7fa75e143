// Public entry of @spyglass/trainer.
export {};
