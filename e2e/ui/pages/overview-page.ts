// Page object for the overview (/): search, state filter, sort, and a model's row.
import { expect, type Locator, type Page } from '@playwright/test';

export class OverviewPageObject {
  readonly search: Locator;
  readonly state: Locator;
  readonly sort: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByRole('searchbox', { name: 'Search' });
    this.state = page.getByLabel('State', { exact: true });
    this.sort = page.getByLabel('Sort', { exact: true });
    this.rows = page.getByRole('table', { name: 'Models' }).getByTestId('model-row');
  }

  async goto() {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Models' })).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="model-row"][data-name="${name}"]`);
  }

  async names(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
  }
}
