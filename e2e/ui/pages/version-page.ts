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

  /** Shows one of the copy-paste examples (curl, Python, V2) and returns its text as the page shows it. */
  async example(kind: 'curl' | 'Python' | 'V2 (curl)'): Promise<string> {
    await this.page.getByRole('group', { name: 'Example' }).getByRole('button', { name: kind, exact: true }).click();
    const testId = kind === 'curl' ? 'curl-example' : kind === 'Python' ? 'python-example' : 'v2-example';
    const pre = this.page.getByTestId(testId);
    await expect(pre).toBeVisible();
    return (await pre.textContent()) ?? '';
  }

  /** Opens the form, types the names and saves. */
  async setFeatureNames(text: string) {
    await this.featureNames.getByRole('button', { name: /^(Set|Edit) feature names$/ }).click();
    await this.form.getByLabel('Feature names').fill(text);
    await this.form.getByRole('button', { name: 'Save feature names' }).click();
  }
}
