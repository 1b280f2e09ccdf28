/** Interns strings to small integers, so repeated values are embedded once. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  /** The value's index, adding it on first sight. */
  add(value: string): number {
    const known = this.index.get(value);
    if (known !== undefined) return known;
    this.values.push(value);
    this.index.set(value, this.values.length - 1);
    return this.values.length - 1;
  }

  find(value: string): number | undefined {
    return this.index.get(value);
  }
}

/** Whole days since 1970-01-01 of an epoch-seconds instant (UTC). */
export const dayOf = (epochSeconds: number): number => Math.floor(epochSeconds / 86_400);

/** ACUs to integer hundredths (what the page embeds). */
export const hundredths = (acus: number): number => Math.round(acus * 100);
