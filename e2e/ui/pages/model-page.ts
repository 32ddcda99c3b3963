// Page object for /models/[name]: upload, promote, rollback, timeline.
import { expect, type Locator, type Page } from '@playwright/test';

export class ModelPageObject {
  readonly uploadForm: Locator;
  readonly versions: Locator;
  readonly timeline: Locator;
  readonly productionAlias: Locator;

  constructor(
    readonly page: Page,
    readonly name: string,
  ) {
    this.uploadForm = page.getByRole('form', { name: 'Upload a version' });
    this.versions = page.getByRole('table', { name: 'Versions' });
    this.timeline = page.getByRole('list', { name: 'Timeline' });
    this.productionAlias = page.getByTestId('production-alias');
  }

  async goto() {
    await this.page.goto(`/models/${this.name}`);
    await expect(this.page.getByRole('heading', { level: 1, name: this.name })).toBeVisible();
  }

  async chooseFile(path: string) {
    await this.uploadForm.getByLabel('ONNX file').setInputFiles(path);
  }

  async submitUpload() {
    await this.uploadForm.getByRole('button', { name: 'Upload version' }).click();
  }

  versionRow(n: number): Locator {
    return this.page.getByTestId(`version-row-${n}`);
  }

  async promote(n: number) {
    await this.versionRow(n).getByRole('button', { name: 'Promote' }).click();
    const dialog = this.page.getByRole('dialog');
    await expect(dialog).toContainText(`Promote v${n} to production?`);
    await dialog.getByRole('button', { name: 'Promote' }).click();
    await expect(this.productionAlias).toContainText(`v${n}`);
  }

  async rollback(to: number) {
    await this.page.getByRole('button', { name: `Roll back to v${to}` }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByRole('button', { name: `Roll back to v${to}` }).click();
    await expect(this.productionAlias).toContainText(`v${to}`);
  }
}
