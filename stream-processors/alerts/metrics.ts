import type { Metrics } from '../../common/metrics/index';

export type AlertsMetrics = ReturnType<typeof alertsMetrics>;

export function alertsMetrics(m: Metrics) {
  return {
    mentionsConsumed: m.counter(
      'alerts_mentions_consumed_total',
      'Aspect mention events tallied and committed.',
    ),
    alertsRaised: m.counter(
      'alerts_raised_total',
      'Alert records published (opened or resolved), by rule, severity, status and historical.',
      ['rule', 'severity', 'status', 'historical'],
    ),
    lateMentions: m.counter(
      'alerts_late_mentions_total',
      'Mentions that arrived for a window already evaluated (they count in later baselines).',
    ),
    expiredMentions: m.counter(
      'alerts_expired_mentions_total',
      "Mentions older than the retention before their entity's newest hour, dropped.",
    ),
    entities: m.gauge('alerts_state_entities', 'Entities with window state, per tallies partition.', [
      'partition',
    ]),
    stateRecords: m.gauge(
      'alerts_state_records',
      'Changelog records the window state holds (per entity and per entity-hour), per tallies partition.',
      ['partition'],
    ),
    windowsOpen: m.gauge(
      'alerts_windows_open',
      'Entity-hours with mentions whose window has not closed and been evaluated yet, per tallies partition.',
      ['partition'],
    ),
    restoreSeconds: m.histogram(
      'alerts_state_restore_duration_seconds',
      "Time to restore one partition's window state from the changelog.",
      [],
      [0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    ),
    deliveries: m.counter(
      'alerts_deliveries_total',
      'Webhook delivery attempts, by outcome (delivered, failed, dead_lettered).',
      ['outcome'],
    ),
    deliverySeconds: m.histogram(
      'alerts_delivery_duration_seconds',
      'Duration of one webhook attempt.',
      [],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
  };
}
