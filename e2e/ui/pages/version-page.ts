// Page object for /models/[name]/versions/[n]: the signature card's feature names and their form.
import { expect, type Locator, type Page } from '@playwright/test';

export class VersionPageObject {
  readonly featureNames: Locator;
  readonly namesList: Locator;
  readonly form: Locator;

  constructor(
    readonly page: Page,
    readonly name: string,
    readonly number: number,
  ) {
    this.featureNames = page.getByTestId('feature-names');
    this.namesList = page.getByTestId('feature-names-list');
    this.form = page.getByRole('form', { name: 'Feature names' });
  }

  async goto() {
    await this.page.goto(`/models/${this.name}/versions/${this.number}`);
    await expect(this.page.getByRole('heading', { level: 1, name: `${this.name} v${this.number}` })).toBeVisible();
  }

  /** Opens the form, types the names and saves. */
  async setFeatureNames(text: string) {
    await this.featureNames.getByRole('button', { name: /^(Set|Edit) feature names$/ }).click();
    await this.form.getByLabel('Feature names').fill(text);
    await this.form.getByRole('button', { name: 'Save feature names' }).click();
  }
}
