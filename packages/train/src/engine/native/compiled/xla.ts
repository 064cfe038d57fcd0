/**
 * XLA for the compiled step. TensorFlow's graph sessions cluster ops for XLA when TF_XLA_FLAGS asks
 * (tensorflow/compiler/jit/flags.cc): `--tf_xla_auto_jit=2` turns auto-clustering on and
 * `--tf_xla_cpu_global_jit` extends it to the CPU device. TensorFlow parses the variable once, when
 * the first graph is optimised, so this must run before the first compiled step (or eager op) of
 * the process; later calls have no effect.
 */
export const XLA_FLAGS = '--tf_xla_auto_jit=2 --tf_xla_cpu_global_jit';

/** Adds XLA_FLAGS to TF_XLA_FLAGS (keeping flags already there). */
export function enableXla(env: NodeJS.ProcessEnv = process.env): void {
  const current = env.TF_XLA_FLAGS ?? '';
  if (!current.includes('--tf_xla_auto_jit')) env.TF_XLA_FLAGS = `${current} ${XLA_FLAGS}`.trim();
}
