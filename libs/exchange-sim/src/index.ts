// Public entry of @spyglass/exchange-sim.
export {};
