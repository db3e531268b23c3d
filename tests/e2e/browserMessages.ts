/**
 * The only page and console errors an e2e test tolerates (issue 10): messages the browser
 * itself emits, that no code of ours can prevent and that do no harm. Each has its reason. Any
 * other page error, unhandled rejection or console error fails the test that produced it
 * (harness.ts `afterEach`).
 */
export const HARMLESS_BROWSER_MESSAGES: readonly { pattern: RegExp; reason: string }[] = [
  {
    // Chromium logs the loss of a device to the console itself (as a warning on some versions,
    // an error on others) when `GPUDevice.destroy()` or a real loss happens; the app handles
    // the loss through `device.lost` (app/simulationLoop.ts onDeviceLost).
    pattern: /^console: .*\b(Device (was )?lost|device is lost|Device Lost)\b/i,
    reason: 'Chromium reports the device loss the lifecycle test causes on purpose',
  },
];

/** The messages of `errors` that are not on the list above. */
export function unexpectedErrors(errors: readonly string[]): string[] {
  return errors.filter((e) => !HARMLESS_BROWSER_MESSAGES.some((h) => h.pattern.test(e)));
}
