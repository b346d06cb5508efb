// Makes sure a Chromium for the e2e tests is installed: Debian's package, never a browser download.
// Uses $CHROMIUM_PATH when set, else /usr/bin/chromium.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.env.CHROMIUM_PATH) {
  console.error(`CHROMIUM_PATH is set to ${path}, which does not exist. Unset it to use Debian's /usr/bin/chromium, or point it at a Chromium binary.`);
  process.exit(1);
}
if (!isRoot) {
  console.error(
    [
      `Chromium is needed for the end-to-end tests and was not found at ${path}.`,
      'Install Debian\'s package, then run the tests again:',
      '',
      '    sudo apt-get update && sudo apt-get install -y chromium',
      '',
      'or set CHROMIUM_PATH to an existing Chromium (version 113 or newer, for WebGPU).',
    ].join('\n'),
  );
  process.exit(1);
}
console.log(`Chromium not found at ${path}; installing Debian's chromium package (running as root)…`);
try {
  execSync('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium', { stdio: 'inherit', shell: '/bin/bash' });
} catch {
  console.error('apt-get could not install chromium; install it by hand: apt-get update && apt-get install -y chromium');
  process.exit(1);
}
if (!existsSync(path)) {
  console.error(`apt-get finished but ${path} is still missing.`);
  process.exit(1);
}
