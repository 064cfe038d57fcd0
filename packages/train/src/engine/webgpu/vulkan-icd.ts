/**
 * Where to find a software Vulkan driver that Dawn accepts, for tests and dry runs on machines
 * without a GPU. Mesa's lavapipe is rejected by Dawn ("shaderUniform*ArrayDynamicIndexing
 * required"); Debian's chromium package ships SwiftShader's Vulkan ICD, which Dawn (and
 * onnxruntime-node's WebGPU provider) accept.
 *
 * The Vulkan loader (libvulkan.so.1, Debian package libvulkan1) reads VK_ICD_FILENAMES when the
 * first Vulkan instance is created, so `useSoftwareVulkan()` must run before Dawn is first used.
 */
import { existsSync, readdirSync } from 'node:fs';

/** SwiftShader's ICD manifests, most likely first (Debian's and Ubuntu's chromium layouts). */
export const SWIFTSHADER_ICD_CANDIDATES: readonly string[] = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
];

/** The first SwiftShader ICD manifest present, or undefined. */
export function swiftshaderIcd(): string | undefined {
  return SWIFTSHADER_ICD_CANDIDATES.find((p) => existsSync(p));
}

/**
 * Points the Vulkan loader at SwiftShader unless the environment already names drivers
 * (VK_ICD_FILENAMES or VK_DRIVER_FILES). Returns the manifest used, or undefined when none.
 */
export function useSoftwareVulkan(): string | undefined {
  const named = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  if (named) return named;
  const icd = swiftshaderIcd();
  if (icd) process.env.VK_ICD_FILENAMES = icd;
  return icd;
}

/** Where the Vulkan loader looks for driver manifests on Linux (besides VK_ICD_FILENAMES). */
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'];

/**
 * Why Dawn cannot find a Vulkan driver here, or undefined when it might (Linux only; elsewhere Dawn
 * uses Metal or D3D12 and this says nothing). A cheap look at the files the Vulkan loader reads, so
 * that 'auto' skips Dawn (and the warnings dawn.node prints to stderr) on the common machine without
 * a GPU driver.
 */
export function missingVulkan(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const libDirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIB_DIRS];
  if (!libDirs.some((d) => existsSync(`${d}/libvulkan.so.1`))) {
    return 'no Vulkan loader (libvulkan.so.1; Debian package libvulkan1)';
  }
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return undefined;
  const manifests = ICD_DIRS.flatMap((d) => {
    try {
      return readdirSync(d).filter((f) => f.endsWith('.json'));
    } catch {
      return [];
    }
  });
  return manifests.length ? undefined : `no Vulkan driver manifest in ${ICD_DIRS.join(', ')} and VK_ICD_FILENAMES is unset`;
}
