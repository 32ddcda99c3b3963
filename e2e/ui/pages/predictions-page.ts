// Page object for /models/[name]/predictions: filters, the table, load more, one prediction's dialog.
import { expect, type Locator, type Page } from '@playwright/test';

export class PredictionsPageObject {
  readonly table: Locator;
  readonly rows: Locator;
  readonly detail: Locator;

  constructor(
    readonly page: Page,
    readonly name: string,
  ) {
    this.table = page.getByRole('table', { name: 'Predictions' });
    this.rows = page.getByTestId('prediction-row');
    this.detail = page.getByTestId('prediction-detail');
  }

  async goto(search = '') {
    await this.page.goto(`/models/${this.name}/predictions${search}`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Predictions' })).toBeVisible();
  }

  async filterOutcome(which: 'All' | 'Labeled' | 'Unlabeled') {
    await this.page.getByRole('group', { name: 'Outcome' }).getByRole('button', { name: which, exact: true }).click();
  }

  async open(id: string) {
    await this.page.getByRole('button', { name: `Open prediction ${id}` }).click();
    await expect(this.detail).toBeVisible();
  }
}
