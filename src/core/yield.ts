// A turn of the event loop for long async work in the engine worker. On WASM (and CPU) tfjs's
// `await tensor.data()` resolves as a microtask, so a loop of training steps never lets the
// worker see a message: Stop arrived only when something truly asynchronous happened (a
// checkpoint written at the end of an epoch, the end of a time estimate). This is a macrotask,
// through a MessageChannel rather than setTimeout, whose nested calls are clamped to 4 ms.

/** Resolves after pending events (messages) have run. */
export function yieldToEvents(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
