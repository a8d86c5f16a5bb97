import { describe, expect, it } from 'vitest';
import { PromMetrics } from '../../src/app/prom-metrics.js';

describe('PromMetrics', () => {
  it('counts every engine signal under its own name and labels', async () => {
    const m = new PromMetrics();
    m.askCreated();
    m.askCreated();
    m.deliveryFinished('digest', 'failed');
    m.replyCollected('copy-thread');
    m.digestPosted();
    m.introChanged('shared');
    m.eventHandled('command', 0.02, 'ok');
    m.rateLimitWait('slack');
    m.rateLimitWait('slack');
    m.rateLimited('discord');
    const text = await m.text();
    expect(text).toContain('feelers_asks_total 2');
    expect(text).toContain('feelers_deliveries_total{purpose="digest",state="failed"} 1');
    expect(text).toContain('feelers_replies_total{source="copy-thread"} 1');
    expect(text).toContain('feelers_digests_total 1');
    expect(text).toContain('feelers_intros_total{state="shared"} 1');
    expect(text).toContain('feelers_event_handling_seconds_count{kind="command",outcome="ok"} 1');
    expect(text).toContain('feelers_event_handling_seconds_bucket{le="0.025",kind="command",outcome="ok"} 1');
    expect(text).toContain('feelers_rate_limit_waits_total{network="slack"} 2');
    expect(text).toContain('feelers_rate_limited_total{network="discord"} 1');
  });

  it('includes process metrics by default, and keeps instances apart', async () => {
    const a = new PromMetrics();
    const b = new PromMetrics({ defaultMetrics: false });
    a.digestPosted();
    expect(await a.text()).toContain('feelers_process_cpu_user_seconds_total');
    const bText = await b.text();
    expect(bText).not.toContain('process_cpu');
    expect(bText).toContain('feelers_digests_total 0');
  });
});
