// Page object for /models/[name]/monitoring: the verdict, the charts, the controls, the policy form.
import { expect, type Locator, type Page } from '@playwright/test';

export class MonitoringPageObject {
  readonly verdict: Locator;
  readonly reasons: Locator;
  readonly policyForm: Locator;

  constructor(
    readonly page: Page,
    readonly name: string,
  ) {
    this.verdict = page.getByTestId('verdict');
    this.reasons = this.verdict.getByRole('list', { name: 'Reasons' }).getByTestId('reason');
    this.policyForm = page.getByRole('form', { name: 'Retraining policy' });
  }

  async goto(search = '') {
    await this.page.goto(`/models/${this.name}/monitoring${search}`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Monitoring' })).toBeVisible();
  }

  /** A chart by its accessible name ("Accuracy over time", "Feature drift", …). */
  chart(name: string): Locator {
    return this.page.getByRole('figure', { name, exact: true });
  }

  policyField(label: string): Locator {
    return this.policyForm.getByLabel(label, { exact: true });
  }

  async savePolicy() {
    await this.policyForm.getByRole('button', { name: 'Save policy' }).click();
  }
}
