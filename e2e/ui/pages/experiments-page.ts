// Page objects for experiments: the model page's Traffic panel (split editor, shadow control) and
// the comparison page (verdict, side cards, difference, agreement, promote).
import { expect, type Locator, type Page } from '@playwright/test';

export class TrafficPanelObject {
  readonly panel: Locator;
  readonly summary: Locator;
  readonly editor: Locator;
  readonly shadow: Locator;

  constructor(
    readonly page: Page,
    readonly name: string,
  ) {
    this.panel = page.getByRole('region', { name: 'Traffic' });
    this.summary = this.panel.getByTestId('traffic-summary');
    this.editor = this.panel.getByRole('form', { name: 'Canary split' });
    this.shadow = this.panel.getByRole('region', { name: 'Shadow' });
  }

  async goto() {
    await this.page.goto(`/models/${this.name}`);
    await expect(this.page.getByRole('heading', { level: 1, name: this.name })).toBeVisible();
    await expect(this.panel).toBeVisible();
  }

  /** The weight input of a version's row in the split editor. */
  weight(version: number): Locator {
    return this.editor.getByTestId(`split-row-${version}`).getByRole('spinbutton');
  }

  rowShare(version: number): Locator {
    return this.editor.getByTestId(`split-row-${version}`).getByTestId('split-row-share');
  }

  rowError(version: number): Locator {
    return this.editor.getByTestId(`split-row-${version}`).getByRole('alert');
  }

  share(version: number): Locator {
    return this.panel.getByTestId(`share-${version}`);
  }

  compareLink(): Locator {
    return this.panel.getByRole('link', { name: /^Compare/ });
  }
}

export class ComparePageObject {
  readonly verdict: Locator;
  readonly headline: Locator;
  readonly detail: Locator;
  readonly difference: Locator;
  readonly agreement: Locator;
  readonly promoted: Locator;

  constructor(
    readonly page: Page,
    readonly name: string,
  ) {
    this.verdict = page.getByTestId('compare-verdict');
    this.headline = page.getByTestId('verdict-headline');
    this.detail = page.getByTestId('verdict-detail');
    this.difference = page.getByTestId('difference');
    this.agreement = page.getByTestId('agreement');
    this.promoted = page.getByTestId('promoted');
  }

  async goto(search = '') {
    await this.page.goto(`/models/${this.name}/compare${search}`);
    await this.expectLoaded();
  }

  async expectLoaded() {
    await expect(this.page.getByRole('heading', { level: 1, name: 'Compare versions' })).toBeVisible();
  }

  side(which: 'a' | 'b'): Locator {
    return this.page.getByTestId(`side-${which}`);
  }

  /** A figure of a side card by its test id: metric-value, metric-interval, labeled, count, latency-p50… */
  figure(which: 'a' | 'b', id: string): Locator {
    return this.side(which).getByTestId(id);
  }

  chart(name: string): Locator {
    return this.page.getByRole('figure', { name, exact: true });
  }

  async promote(version: number) {
    await this.page.getByRole('button', { name: 'Promote challenger' }).click();
    const dialog = this.page.getByRole('dialog', { name: `Promote v${version} to production?` });
    await expect(dialog).toBeVisible();
    return dialog;
  }
}
