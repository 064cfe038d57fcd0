/**
 * Class labels from one attribute column: a dataset whose batches carry `attributes` (+1 / -1 per
 * image and attribute: CelebA's list_attr_celeba.csv, an image folder's attribute CSV) becomes a
 * two-class dataset for a conditional model: label 1 where the column is +1, label 0 where it is -1,
 * class names [`not <column>`, `<column>`]. Images and order are the wrapped dataset's.
 */
import { DataOptionError } from './errors.ts';
import type { Batch, BatchOptions, Dataset, ImageShape } from './types.ts';

/** The two class names of attribute `column`: index 0 = the attribute is -1, index 1 = +1. */
export function attributeClassNames(column: string): [string, string] {
  return [`not ${column}`, column];
}

class AttributeLabelDataset implements Dataset {
  readonly name: string;
  readonly source: string;
  readonly size: number;
  readonly imageShape: ImageShape;
  readonly labelNames: string[];
  readonly attributeNames?: string[];

  constructor(private readonly inner: Dataset, private readonly column: number, name: string) {
    this.name = inner.name;
    this.source = inner.source;
    this.size = inner.size;
    this.imageShape = inner.imageShape;
    this.labelNames = attributeClassNames(name);
    if (inner.attributeNames) this.attributeNames = inner.attributeNames;
  }

  async *batches(batchSize: number, options?: BatchOptions): AsyncGenerator<Batch> {
    const width = this.inner.attributeNames!.length;
    for await (const batch of this.inner.batches(batchSize, options)) {
      if (!batch.attributes) throw new DataOptionError(`${this.inner.name} (${this.inner.source}) yielded a batch without attributes`);
      const labels = new Int32Array(batch.count);
      for (let i = 0; i < batch.count; i++) labels[i] = batch.attributes[i * width + this.column]! > 0 ? 1 : 0;
      yield { ...batch, labels };
    }
  }
}

/**
 * `data` with labels from attribute `column` (module comment).
 * @throws DataOptionError naming the column and the dataset's attributes when it has none or not that one.
 */
export function labelsFromAttribute(data: Dataset, column: string): Dataset {
  const names = data.attributeNames ?? [];
  const index = names.indexOf(column);
  if (index < 0) {
    throw new DataOptionError(
      names.length
        ? `attribute column "${column}" is not in ${data.name}; its columns: ${names.join(', ')}`
        : `${data.name} (${data.source}) has no attribute columns, so "${column}" cannot label it (an attribute CSV such as list_attr_celeba.csv gives them)`,
    );
  }
  return new AttributeLabelDataset(data, index, column);
}
