/** Headless Debian Chromium through playwright-core, set up the same way for tests and the bench. */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.LATENTKIT_CHROMIUM ?? '/usr/bin/chromium';

export interface LaunchOptions {
  /** Expose WebGPU (a SwiftShader software adapter here). */
  webgpu?: boolean;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const args = [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-default-apps',
  ];
  if (options.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader');
  else args.push('--disable-gpu');
  return chromium.launch({ executablePath: CHROMIUM, args, headless: true });
}
