// Public entry of @spyglass/streamer.
export {};
