// Debian's Chromium as the tests and the benchmark start it. Playwright's own browser
// download does not work here; the flags keep Chromium off the network it cannot reach.
export const CHROMIUM_OPTIONS = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
