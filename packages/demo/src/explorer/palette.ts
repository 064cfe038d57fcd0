/** Ten distinguishable label colours (Fashion-MNIST has ten classes); cycles beyond ten. */
const COLORS = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
  '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
];

export function labelColor(label: number): string {
  return COLORS[((label % COLORS.length) + COLORS.length) % COLORS.length];
}
