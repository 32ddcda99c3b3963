// The bodies of webhook deliveries: Modeldock's JSON envelope, and Slack's incoming-webhook shape
// checked against Slack's documented limits (text; blocks of header ≤ 150 plain-text characters,
// section mrkdwn ≤ 3000, context ≤ 10 elements; &, <, > escaped in mrkdwn).
import { describe, expect, it } from 'vitest';
import { envelope, renderBody, slackMessage, webhookWants, type NotificationEvent } from './webhook-payload';

const retrain: NotificationEvent = {
  type: 'model.needs_retraining',
  model: 'churn',
  version: 3,
  occurredAt: Date.UTC(2026, 0, 31, 12),
  data: {
    state: 'needs_retraining',
    reasons: [
      { metric: 'accuracy', message: 'accuracy 0.71 [0.68, 0.74] below 0.82 since 2026-01-20' },
      { metric: 'dataset_drift', message: '60 % of features drifted: tenure <&> plan' },
      { metric: 'prediction_drift', message: 'the distribution of predictions moved' },
      { metric: 'x', message: 'a fourth reason is left out' },
    ],
    export_url: 'https://md.example.com/api/v1/models/churn/predictions/export?version=3&sig=abc',
    export_expires_at: '2026-02-07T12:00:00.000Z',
  },
};

describe('webhook bodies', () => {
  it('the JSON envelope is {id, type, occurred_at, model, version?, data}', () => {
    expect(envelope('01J', retrain)).toEqual({
      id: '01J',
      type: 'model.needs_retraining',
      occurred_at: '2026-01-31T12:00:00.000Z',
      model: 'churn',
      version: 3,
      data: retrain.data,
    });
    const ping = envelope('01K', { type: 'ping', model: null, occurredAt: 0, data: {} });
    expect(ping).not.toHaveProperty('version');
    expect(JSON.parse(renderBody('json', '01J', retrain, 'http://x'))).toEqual(envelope('01J', retrain));
  });

  it('slack: text and blocks of header, section and context within Block Kit limits', () => {
    const m = slackMessage('01J', retrain, 'https://md.example.com');
    expect(typeof m.text).toBe('string');
    expect(m.text).toContain('churn needs retraining');
    expect(m.text).toContain('accuracy 0.71');
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    const [header, section, context] = m.blocks as unknown as [
      { text: { type: string; text: string } },
      { text: { type: string; text: string } },
      { elements: { type: string; text: string }[] },
    ];
    expect(header.text.type).toBe('plain_text');
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(section.text.type).toBe('mrkdwn');
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(section.text.text).toContain('*Verdict:* needs retraining (version 3)');
    // the first three reasons, escaped; the fourth left out
    expect(section.text.text).toContain('• accuracy 0.71');
    expect(section.text.text).toContain('tenure &lt;&amp;&gt; plan');
    expect(section.text.text).not.toContain('fourth');
    // links: the monitoring page only; the signed export link (no API key needed) never goes to a channel
    expect(section.text.text).toContain('<https://md.example.com/models/churn/monitoring|Open monitoring>');
    expect(section.text.text).toContain('The link to the labeled predictions is sent to JSON webhooks only.');
    const body = renderBody(
      'slack',
      '01J',
      { ...retrain, data: { ...retrain.data, export_urls: { parquet: 'https://md.example.com/p?sig=def' } } },
      'https://md.example.com',
    );
    expect(body).not.toContain('export_url');
    expect(body).not.toContain('sig=');
    expect(body).not.toContain('/predictions/export');
    expect(context.elements.length).toBeGreaterThan(0);
    expect(context.elements.length).toBeLessThanOrEqual(10);
    expect(context.elements[0].text).toContain('delivery 01J');
  });

  it('slack: long model text is cut to the limits', () => {
    const long = { ...retrain, data: { ...retrain.data, reasons: [{ message: 'x'.repeat(5000) }] } };
    const m = slackMessage('01J', long, 'http://h');
    const section = m.blocks[1] as { text: { text: string } };
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(m.text.length).toBeLessThanOrEqual(3000);
  });

  it('slack: alias moves and uploads read as sentences', () => {
    const moved = slackMessage(
      '1',
      { type: 'alias.moved', model: 'm', version: 4, occurredAt: 0, data: { alias: 'production', from: 3, to: 4, change: 'rollback' } },
      'http://h',
    );
    expect((moved.blocks[1] as { text: { text: string } }).text.text).toContain('*production* → version 4 · rollback');
    const split = slackMessage(
      '1',
      {
        type: 'alias.moved',
        model: 'm',
        version: 3,
        occurredAt: 0,
        data: {
          alias: 'production',
          to: 3,
          change: 'split',
          split: [
            { version: 3, weight: 90 },
            { version: 4, weight: 10 },
          ],
        },
      },
      'http://h',
    );
    expect((split.blocks[1] as { text: { text: string } }).text.text).toContain('(split v3 90 / v4 10)');
  });

  it('a webhook takes the events and models it lists, or *; a ping only when sent to it', () => {
    expect(webhookWants({ events: ['*'], models: ['*'] }, 'alias.moved', 'a')).toBe(true);
    expect(webhookWants({ events: ['model.needs_retraining'], models: ['a'] }, 'model.needs_retraining', 'a')).toBe(true);
    expect(webhookWants({ events: ['model.needs_retraining'], models: ['a'] }, 'model.needs_retraining', 'b')).toBe(false);
    expect(webhookWants({ events: ['model.watch'], models: ['*'] }, 'model.needs_retraining', 'a')).toBe(false);
    expect(webhookWants({ events: ['*'], models: ['*'] }, 'ping', null)).toBe(false);
  });
});
